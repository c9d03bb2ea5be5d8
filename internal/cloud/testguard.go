package cloud

import (
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// underTest is what the AWS target adds to its configuration inside a test
// binary: the EC2 instance metadata client off, so the default credential
// chain never asks 169.254.169.254 (on a build machine in EC2 it would
// answer with that machine's role), and an HTTP client that dials loopback
// only, so no test's SDK call (credentials, STS, SSO, any service) leaves
// the machine, whatever the environment's endpoints and profiles say.
// Outside tests it adds nothing.
func underTest() []func(*config.LoadOptions) error {
	if !testing.Testing() {
		return nil
	}
	return []func(*config.LoadOptions) error{
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.DialContext = (&net.Dialer{Control: loopbackOnly}).DialContext
		})),
	}
}

// loopbackOnly refuses, before connecting, a dial to an address that is
// not loopback. It sees the resolved address, so a name that resolves
// elsewhere is refused too.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("a test's AWS SDK call dialled %s %s: tests send traffic to loopback only", network, address)
	}
	return nil
}
