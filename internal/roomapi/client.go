package roomapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// maxBoardBytes bounds a board read from a room: MaxLearners rows of
// bounded fields fit with room to spare.
const maxBoardBytes = 4 << 20

// Sender posts reports to a sandbox's room, signed with the sandbox's keys.
type Sender struct {
	Endpoint    string // the sandbox's URL
	Region      string // the sandbox's region (the signature's scope)
	Credentials aws.CredentialsProvider
	HTTP        *http.Client // nil: a client with a 5 s timeout
}

// Send posts r.
func (s *Sender) Send(ctx context.Context, r Report) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode room report: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.Endpoint, "/")+ReportPath, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build room report: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("room report: credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), SigningName, s.Region, time.Now()); err != nil {
		return fmt.Errorf("sign room report: %w", err)
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("send room report: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("room report: HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

func (s *Sender) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 5 * time.Second}
}

// ErrBadKey is what FetchBoard returns when the room refuses the key.
var ErrBadKey = errors.New("the room refused the facilitator key (HTTP 401): use the key in the room URL `sandbox serve` printed")

// FetchBoard reads the board of the room at sandboxURL with the
// facilitator's key.
func FetchBoard(ctx context.Context, hc *http.Client, sandboxURL, key string) (Board, error) {
	u := strings.TrimRight(sandboxURL, "/") + BoardPath + "?" + url.Values{KeyParam: {key}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Board{}, fmt.Errorf("build board request: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Board{}, fmt.Errorf("read the room at %s: %w", sandboxURL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Board{}, ErrBadKey
	case resp.StatusCode != http.StatusOK:
		return Board{}, fmt.Errorf("read the room at %s: HTTP %d", sandboxURL, resp.StatusCode)
	}
	var b Board
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBoardBytes)).Decode(&b); err != nil {
		return Board{}, fmt.Errorf("decode the room's board: %w", err)
	}
	return b, nil
}
