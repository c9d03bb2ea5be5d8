package steps

import (
	"fmt"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// prior returns what an earlier stage produced, secrets included, so a
// stage can build on it after a restart just as in the same process.
func prior(env *Env, stepID string) (Result, error) {
	rec, ok := env.Session.Stage(stepID)
	if !ok || rec.Status != string(engine.Succeeded) {
		return Result{}, fmt.Errorf("stage %q has not succeeded yet: run it first", stepID)
	}
	res := Result{Values: engine.ValuesOf(rec)}
	for i, v := range res.Values {
		if !v.Secret {
			continue
		}
		s, ok := env.Session.Secret(stepID, v.Name)
		if !ok {
			return Result{}, fmt.Errorf("stage %q: secret %q is missing from %s: run the stage again", stepID, v.Name, session.SecretsFile)
		}
		res.Values[i].Value = s
	}
	return res, nil
}

// inputs reads the named values an earlier stage produced, secrets
// included, failing on the first one missing.
func inputs(env *Env, stepID string, names ...string) (map[string]string, error) {
	res, err := prior(env, stepID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		v, ok := res.Get(n)
		if !ok || v.Value == "" {
			return nil, fmt.Errorf("stage %q did not record %s: run it again", stepID, n)
		}
		out[n] = v.Value
	}
	return out, nil
}
