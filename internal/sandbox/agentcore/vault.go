package agentcore

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/store"
)

// vaultDoc is the store document holding the token vault. It is kept apart
// from the service's main document so that token churn does not rewrite the
// runtime and provider records.
const vaultDoc = "agentcore-vault"

// vaultSkew is how long before its expiry a stored token stops being handed
// out: a token that dies while the agent is still using it helps nobody.
const vaultSkew = 30 * time.Second

// vaultToken is one outbound token the vault holds.
type vaultToken struct {
	Flow     string `json:"flow"` // USER_FEDERATION or M2M
	Workload string `json:"workload"`
	User     string `json:"user,omitempty"` // empty for M2M
	Provider string `json:"provider"`
	// ProviderCallback identifies the provider's incarnation: a provider
	// deleted and created again under the same name gets a new callback URL,
	// and must not inherit the tokens its namesake collected.
	ProviderCallback string    `json:"providerCallback"`
	AccessToken      string    `json:"accessToken"`
	Scopes           []string  `json:"scopes"`
	Expiry           time.Time `json:"expiry"` // zero: the provider gave no lifetime
}

// vaultKey binds a token to everything that may use it: the flow, the
// workload identity, the user and the provider. A lookup can only ever
// match the exact caller, so one user's token never reaches another user or
// another workload.
func vaultKey(flow, workload, user, provider string) string {
	return flow + "\x00" + workload + "\x00" + user + "\x00" + provider
}

type vaultState struct {
	Tokens map[string]*vaultToken `json:"tokens"`
}

// vault is the persisted token vault.
type vault struct {
	store *store.Store
	mu    sync.Mutex
	st    vaultState
}

func loadVault(st *store.Store) (*vault, error) {
	v := &vault{store: st}
	if _, err := st.Load(vaultDoc, &v.st); err != nil {
		return nil, fmt.Errorf("load token vault: %w", err)
	}
	if v.st.Tokens == nil {
		v.st.Tokens = map[string]*vaultToken{}
	}
	return v, nil
}

// get returns a copy of the caller's token when it is still valid at now,
// came from the provider's current incarnation and covers every scope asked
// for.
func (v *vault) get(flow, workload, user string, p Oauth2Provider, scopes []string, now time.Time) (vaultToken, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.st.Tokens[vaultKey(flow, workload, user, p.Name)]
	if t == nil || t.ProviderCallback != p.CallbackURL {
		return vaultToken{}, false
	}
	if !t.Expiry.IsZero() && !now.Add(vaultSkew).Before(t.Expiry) {
		return vaultToken{}, false
	}
	for _, sc := range scopes {
		if !slices.Contains(t.Scopes, sc) {
			return vaultToken{}, false
		}
	}
	return *t, true
}

// put stores t, replacing the caller's previous token for the provider.
func (v *vault) put(t vaultToken) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	k := vaultKey(t.Flow, t.Workload, t.User, t.Provider)
	prev := v.st.Tokens[k]
	v.st.Tokens[k] = &t
	if err := v.store.Save(vaultDoc, &v.st); err != nil {
		if prev == nil {
			delete(v.st.Tokens, k)
		} else {
			v.st.Tokens[k] = prev
		}
		return fmt.Errorf("save token vault: %w", err)
	}
	return nil
}

// purge drops every token drop selects and reports how many went. A
// failed save keeps them all, so the caller can answer the error and the
// vault still matches the disk.
func (v *vault) purge(drop func(*vaultToken) bool) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	gone := map[string]*vaultToken{}
	for k, t := range v.st.Tokens {
		if drop(t) {
			gone[k] = t
			delete(v.st.Tokens, k)
		}
	}
	if len(gone) == 0 {
		return 0, nil
	}
	if err := v.store.Save(vaultDoc, &v.st); err != nil {
		maps.Copy(v.st.Tokens, gone)
		return 0, fmt.Errorf("save token vault: %w", err)
	}
	return len(gone), nil
}

// len is the number of tokens the vault holds.
func (v *vault) len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.st.Tokens)
}
