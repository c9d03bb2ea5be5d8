package steps

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// The agent project the learner deploys. It is data, kept beside the code
// as real files so it can be read (and linted) as Python and Docker.
//
//go:embed agentproject/agent.py agentproject/requirements.txt agentproject/Dockerfile agentproject/dockerignore
var agentProject embed.FS

// AgentDir is where write-agent puts the project, inside the workspace.
const AgentDir = "agent"

// agentFiles maps the embedded templates to their names in the project.
var agentFiles = []struct{ src, name string }{
	{"agentproject/agent.py", "agent.py"},
	{"agentproject/requirements.txt", "requirements.txt"},
	{"agentproject/Dockerfile", "Dockerfile"},
	{"agentproject/dockerignore", ".dockerignore"},
}

// modelPlaceholder in agent.py becomes the model id for the region.
const modelPlaceholder = "{{MODEL_ID}}"

// agentModel is the model agent.py uses: --model, else the cross-region
// inference profile the region serves. A us. profile written for an EU
// region fails there with "The provided model identifier is invalid."
func agentModel(env *Env) string {
	if env.Model != "" {
		return env.Model
	}
	region := ""
	if env.Cloud != nil {
		region = env.Cloud.Region
	}
	return agentpy.ModelForRegion(region)
}

type writeAgent struct{}

// WriteAgent is stage 2: write the agent project and show it.
func WriteAgent(env *Env) engine.Stage {
	return outlined(outline.WriteAgentID, env, writeAgent{}.Run)
}

func (writeAgent) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	dir := filepath.Join(env.Dir, AgentDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("create agent project dir: %w", err)
	}
	var res Result
	put := publisher(rep, &res)
	put(Value{Name: "project", Value: dir, Kind: KindFile})
	model := agentModel(env)
	put(Value{Name: "model", Value: model})
	for _, f := range agentFiles {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		body, err := agentProject.ReadFile(f.src)
		if err != nil {
			return res, fmt.Errorf("read template %s: %w", f.src, err)
		}
		body = bytes.ReplaceAll(body, []byte(modelPlaceholder), []byte(model))
		path := filepath.Join(dir, f.name)
		old, err := os.ReadFile(path)
		switch {
		case err == nil && bytes.Equal(old, body):
			rep.Log("unchanged %s", path)
		case err == nil:
			// The learner edited the file: keep their version, say so.
			rep.Log("kept your edited %s (delete it to get the original back)", path)
			body = old
		default:
			if err := atomicfile.Write(path, body, 0o644); err != nil {
				return res, fmt.Errorf("write %s: %w", f.name, err)
			}
			rep.Log("wrote %s (%d bytes)", path, len(body))
		}
		put(Value{Name: f.name, Value: string(body), Kind: KindCode})
	}
	return res, nil
}
