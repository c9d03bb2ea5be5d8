package cloud

import (
	"context"
	"strings"
	"testing"
)

// Inside tests the AWS target's SDK dials loopback only: an endpoint
// elsewhere is refused before a packet is sent, and with no credentials
// in the environment the default chain does not fall back to the EC2
// instance metadata service (169.254.169.254).
func TestAWSTargetUnderTestDialsLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"an endpoint off the machine", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
			"AWS_ENDPOINT_URL_STS": "http://192.0.2.1:80"}, "tests send traffic to loopback only"},
		{"no credentials", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "",
			"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"}, "access disabled to EC2 IMDS via client option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
			t.Setenv("AWS_EC2_METADATA_DISABLED", "") // the guard, not the environment, turns it off
			t.Setenv("AWS_MAX_ATTEMPTS", "1")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := New(context.Background(), Target{Kind: AWS, Region: "us-west-2"})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Identify(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Identify = %v, want an error with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "169.254.169.254") {
				t.Errorf("the credential chain asked the instance metadata service: %v", err)
			}
			t.Log(err)
		})
	}
}
