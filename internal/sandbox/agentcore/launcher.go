package agentcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"agentcore-workshop/internal/agent"
	"agentcore-workshop/internal/agent/agentpy"
)

// RuntimeInfo is what a Launcher knows about the runtime it starts.
type RuntimeInfo struct {
	ID           string
	Name         string
	ARN          string
	Version      string
	ContainerURI string // empty for code deployments
	Env          map[string]string
}

// Launcher starts the process serving a runtime's container contract
// (POST /invocations, GET /ping) and returns its base URL and a stop func.
type Launcher interface {
	Launch(ctx context.Context, rt RuntimeInfo) (baseURL string, stop func() error, err error)
}

// AgentLauncher runs the sandbox's stand-in agent (internal/agent) on a
// free loopback port.
type AgentLauncher struct {
	IdentityEndpoint string // the edge URL, for the agent's outbound token calls
	Region           string // signing region of those calls
	// Credentials sign the agent's identity data-plane calls; nil starts
	// agents without outbound tokens.
	Credentials aws.CredentialsProvider
	// ImageConfig returns what the build read from the image's agent.py
	// (an agentpy.Spec as JSON); nil, or an image without one, starts the
	// stand-in with the tutorial's defaults.
	ImageConfig func(uri string) (json.RawMessage, bool)
	Log         *slog.Logger
}

// CredentialProviderEnv is the runtime environment variable naming the
// OAuth2 credential provider the stand-in agent's external-service tool
// uses (the workshop's launch stage sets it).
const CredentialProviderEnv = "CREDENTIAL_PROVIDER"

// Launch implements Launcher. The stand-in behaves as the image's agent.py
// says (the build recorded it): its provider name resolved against the
// runtime's environment, as the container's os.environ would be.
func (l *AgentLauncher) Launch(ctx context.Context, rt RuntimeInfo) (string, func() error, error) {
	cfg := agent.Config{Addr: "127.0.0.1:0", RuntimeName: rt.Name, IdentityEndpoint: l.IdentityEndpoint, Log: l.Log,
		Region: l.Region, Credentials: l.Credentials, CredentialProvider: rt.Env[CredentialProviderEnv], Env: rt.Env}
	if l.ImageConfig != nil && rt.ContainerURI != "" {
		if raw, ok := l.ImageConfig(rt.ContainerURI); ok && len(raw) > 0 {
			var spec agentpy.Spec
			if err := json.Unmarshal(raw, &spec); err != nil {
				return "", nil, fmt.Errorf("read the agent config of image %s: %w", rt.ContainerURI, err)
			}
			cfg.Spec = &spec
		}
	}
	srv, err := agent.Start(ctx, cfg)
	if err != nil {
		return "", nil, fmt.Errorf("start stand-in agent for %s: %w", rt.ID, err)
	}
	return srv.URL, srv.Close, nil
}

// agentProc is a launched agent.
type agentProc struct {
	version string
	url     string
	stop    func() error
}

// agentFor returns a healthy agent for rt's current version, launching (or
// relaunching after an update or a sandbox restart) as needed.
func (s *Service) agentFor(ctx context.Context, rt RuntimeInfo) (string, error) {
	s.agentsMu.Lock()
	defer s.agentsMu.Unlock()
	if s.agentsClosed {
		// A request still in flight when the sandbox shut down must not
		// start an agent nobody would ever stop.
		return "", errors.New("the sandbox is shutting down")
	}
	if a := s.agents[rt.ID]; a != nil {
		if a.version == rt.Version {
			return a.url, nil
		}
		if err := a.stop(); err != nil {
			s.log.Warn("agentcore: stop outdated agent", "runtime", rt.ID, "err", err)
		}
		delete(s.agents, rt.ID)
	}
	// The agent outlives this request; only its start-up is bounded by it.
	url, stop, err := s.opt.Launcher.Launch(context.WithoutCancel(ctx), rt)
	if err != nil {
		return "", err
	}
	if err := s.waitHealthy(ctx, url); err != nil {
		stop()
		return "", err
	}
	s.agents[rt.ID] = &agentProc{version: rt.Version, url: url, stop: stop}
	s.log.Info("agentcore: agent launched", "runtime", rt.ID, "version", rt.Version, "url", url)
	return url, nil
}

// waitHealthy polls GET /ping until the agent reports Healthy or
// HealthyBusy, giving a slow starter a few seconds.
func (s *Service) waitHealthy(ctx context.Context, base string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var last error
	for delay := 10 * time.Millisecond; ; delay = min(delay*2, 500*time.Millisecond) {
		if last = ping(ctx, s.opt.HTTPClient, base); last == nil {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("agent at %s never became healthy: %w", base, last)
		case <-t.C:
		}
	}
}

func ping(ctx context.Context, c *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ping", nil)
	if err != nil {
		return fmt.Errorf("build ping: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ping: status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return fmt.Errorf("ping: decode: %w", err)
	}
	if body.Status != "Healthy" && body.Status != "HealthyBusy" {
		return fmt.Errorf("ping: status %q", body.Status)
	}
	return nil
}

// stopAgent stops the runtime's agent if one runs.
func (s *Service) stopAgent(id string) {
	s.agentsMu.Lock()
	defer s.agentsMu.Unlock()
	if a := s.agents[id]; a != nil {
		if err := a.stop(); err != nil {
			s.log.Warn("agentcore: stop agent", "runtime", id, "err", err)
		}
		delete(s.agents, id)
	}
}
