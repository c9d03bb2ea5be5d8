package cloud

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The partition comes from the caller's ARN, and every AWS endpoint the
// clients build follows it. STS is served on loopback through the SDK's
// endpoint override, so the call is real but never leaves the machine.
func TestIdentifyTakesThePartitionFromTheCallersARN(t *testing.T) {
	for _, tc := range []struct {
		region, arn, partition, cognito string
	}{
		{"cn-north-1", "arn:aws-cn:iam::123456789012:user/learner", "aws-cn", "https://cognito-idp.cn-north-1.amazonaws.com.cn/p"},
		{"us-gov-west-1", "arn:aws-us-gov:iam::123456789012:user/learner", "aws-us-gov", "https://cognito-idp.us-gov-west-1.amazonaws.com/p"},
		{"eu-central-1", "arn:aws:sts::123456789012:assumed-role/r/s", "aws", "https://cognito-idp.eu-central-1.amazonaws.com/p"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.Write([]byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
				`<Arn>` + tc.arn + `</Arn><UserId>AIDA</UserId><Account>123456789012</Account>` +
				`</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`))
		}))
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
		t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
		c, err := New(context.Background(), Target{Kind: AWS, Region: tc.region})
		if err != nil {
			t.Fatal(err)
		}
		account, arn, err := c.Identify(context.Background())
		srv.Close()
		if err != nil || account != "123456789012" || arn != tc.arn {
			t.Fatalf("Identify = %s %s %v", account, arn, err)
		}
		if c.Partition != tc.partition || c.CognitoIssuer("p") != tc.cognito {
			t.Errorf("%s: partition %s issuer %s, want %s %s", tc.arn, c.Partition, c.CognitoIssuer("p"), tc.partition, tc.cognito)
		}
		if !strings.HasPrefix(c.InvokeURL(tc.arn, "DEFAULT"), c.Endpoint("bedrock-agentcore")+"/runtimes/") {
			t.Errorf("invoke URL %s not on %s", c.InvokeURL(tc.arn, "DEFAULT"), c.Endpoint("bedrock-agentcore"))
		}
	}
}
