package sts_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

func TestGetCallerIdentity(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	client := sts.NewFromConfig(env.Config)
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	acct := env.Creds.AccountID
	if aws.ToString(out.Account) != acct {
		t.Errorf("Account = %q, want %q", aws.ToString(out.Account), acct)
	}
	if want := "arn:aws:iam::" + acct + ":user/workshop-sandbox"; aws.ToString(out.Arn) != want {
		t.Errorf("Arn = %q, want %q", aws.ToString(out.Arn), want)
	}
	if id := aws.ToString(out.UserId); !strings.HasPrefix(id, "AIDA") || len(id) != 21 {
		t.Errorf("UserId = %q, want AIDA + 17 characters", id)
	}
	again, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(again.UserId) != aws.ToString(out.UserId) {
		t.Errorf("UserId changed between calls: %q then %q", aws.ToString(out.UserId), aws.ToString(again.UserId))
	}
}

func TestWrongSecretIsRejected(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	cfg := env.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(env.Creds.AccessKeyID, "wrong-secret", "")
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("err = %v, want SignatureDoesNotMatch", err)
	}
}

func TestMalformedRequests(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	for _, tc := range []struct {
		body, code string
	}{
		{"Action=AssumeRoleWithMagic&Version=2011-06-15", "InvalidAction"},
		{"Version=2011-06-15", "MissingAction"},
		{"Action=GetCallerIdentity&Version=1999-01-01", "InvalidAction"},
		{"Action=GetCallerIdentity&Version=2011-06-15&%zz", "MalformedQueryString"},
	} {
		r := env.Signed(t, http.MethodPost, "/", "sts", form, tc.body)
		if r.Status != 400 || !strings.Contains(r.Body, "<Code>"+tc.code+"</Code>") || !strings.Contains(r.Body, "<ErrorResponse>") {
			t.Errorf("%q: got %d %s, want 400 %s in an ErrorResponse", tc.body, r.Status, r.Body, tc.code)
		}
	}
}
