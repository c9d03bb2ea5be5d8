package cognito_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// BenchmarkSignIn measures USER_PASSWORD_AUTH sign-ins through the SDK over
// loopback HTTP with keep-alive, every core busy. Compare its signins/s with
// BenchmarkRS256Bound: two RS256 signatures per sign-in are the floor cost.
func BenchmarkSignIn(b *testing.B) {
	e := start(b)
	f := e.fixture(b, nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}
	api := cip.New(cip.Options{Region: region, BaseEndpoint: aws.String(e.sb.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(e.sb.Credentials.AccessKeyID, e.sb.Credentials.SecretAccessKey, ""),
		HTTPClient:  &http.Client{Transport: tr}})
	in := &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": f.username, "PASSWORD": f.password}}
	b.ResetTimer()
	begin := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := api.InitiateAuth(e.ctx, in)
			if err != nil || out.AuthenticationResult == nil {
				b.Errorf("sign-in: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "signins/s")
}

// BenchmarkRS256Bound signs the same two tokens per "sign-in" (access + ID,
// RS256, 2048-bit) with nothing else, in parallel: the throughput ceiling.
func BenchmarkRS256Bound(b *testing.B) {
	signers := make([]jose.Signer, 2)
	for i := range signers {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			b.Fatal(err)
		}
		signers[i], err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k, KeyID: uuid.NewString()}}, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	claims, _ := json.Marshal(map[string]any{"sub": uuid.NewString(), "iss": "http://127.0.0.1:4747/us-west-2_abcdefghi", "client_id": "abcdefghijklmnopqrstuvwxyz",
		"token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": 1, "exp": 2, "iat": 1, "jti": uuid.NewString(), "username": "testuser"})
	b.ResetTimer()
	begin := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for _, s := range signers {
				obj, err := s.Sign(claims)
				if err != nil {
					b.Error(err)
					return
				}
				if _, err := obj.CompactSerialize(); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "signins/s")
}
