package codebuild

import (
	"encoding/json"
	"strconv"

	"agentcore-workshop/internal/agent/agentpy"
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
)

// Bounds on an unpacked source zip, so a zip bomb (a small zip of huge,
// highly compressible entries) cannot exhaust the sandbox's memory: the
// build holds the unpacked files in memory. An agent's source is a few
// files of a few kilobytes; these limits are the sandbox's, not AWS's, and
// the build fails with a reason that says so.
const (
	maxSourceFile    = 8 << 20  // one entry
	maxSourceBytes   = 32 << 20 // all entries together
	maxSourceEntries = 5000
)

// start runs build id's remaining phases in a goroutine. Called with s.mu
// held or before the service is shared.
func (s *Service) start(id string) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.run(id)
	}()
}

// run walks the build's phases, each lasting Delays.BuildPhase. It stops
// early when the service closes; the build resumes from its current phase
// on the next start because every step is saved.
func (s *Service) run(id string) {
	delay := time.Duration(s.d.Delays.BuildPhase) * time.Millisecond
	for {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-s.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		} else if s.ctx.Err() != nil {
			return
		}
		s.mu.Lock()
		b, ok := s.st.Builds[id]
		if !ok || b.Complete() || len(b.Phases) == 0 {
			s.mu.Unlock()
			return
		}
		snapshot := cloneBuild(b)
		s.mu.Unlock()

		// The phase's work runs without the lock: it reads S3 and writes ECR.
		phase := snapshot.CurrentPhase()
		fail, lines := s.work(&snapshot, phase)

		s.mu.Lock()
		s.finishPhase(b, &snapshot, phase, fail, lines)
		if err := s.save(); err != nil {
			s.d.Log.Error("save codebuild state", "build", id, "err", err)
		}
		done := b.Complete()
		s.mu.Unlock()
		if done {
			s.d.Log.Info("build finished", "build", id, "status", b.Status)
			return
		}
	}
}

// failure is why a phase failed: CodeBuild's status code and message.
type failure struct {
	code, msg string
}

// logf formats a log line the way CodeBuild's container agent does.
func (s *Service) logf(format string, args ...any) string {
	return "[Container] " + s.d.Clock.Now().UTC().Format("2006/01/02 15:04:05.000000") + " " + fmt.Sprintf(format, args...)
}

func envMap(e Environment) map[string]string {
	m := map[string]string{}
	for _, v := range e.EnvironmentVariables {
		m[v.Name] = v.Value
	}
	return m
}

// work does what phase does for build b and reports a failure, if any,
// and the log lines it wrote.
func (s *Service) work(b *Build, phase string) (*failure, []string) {
	var lines []string
	log := func(format string, args ...any) { lines = append(lines, s.logf(format, args...)) }
	cmds := buildspecCommands(b.Source.Buildspec)
	runCommands := func() {
		for _, c := range cmds[phase] {
			log("Running command %s", c)
		}
	}
	switch phase {
	case "SUBMITTED":
		log("Running on CodeBuild On-demand (sandbox)")
		log("Waiting for agent ping")
	case "QUEUED":
		log("Waiting for DOWNLOAD_SOURCE")
	case "PROVISIONING":
		log("Provisioning %s %s with image %s", b.Environment.Type, b.Environment.ComputeType, b.Environment.Image)
		// The build container starts logging here: CodeBuild makes the
		// project's log group if it is not there.
		if s.logs != nil {
			if err := s.logs.EnsureLogGroup(LogGroup(b.ProjectName)); err != nil {
				s.d.Log.Warn("codebuild: make the build's log group", "build", b.ID, "err", err)
			}
		}
	case "DOWNLOAD_SOURCE":
		if b.Source.Type != "S3" {
			log("No S3 source to download (source type %s)", b.Source.Type)
			s.setSource(b.ID, map[string][]byte{})
			break
		}
		files, f := s.download(b.Source.Location)
		if f != nil {
			log("%s: %s", f.code, f.msg)
			return f, lines
		}
		s.setSource(b.ID, files)
		log("CODEBUILD_SRC_DIR=/codebuild/output/src/src")
		log("Downloaded %d files from s3://%s", len(files), strings.TrimPrefix(b.Source.Location, "arn:aws:s3:::"))
		if b.Source.Buildspec == "" {
			log("YAML location is /codebuild/output/src/src/buildspec.yml")
		} else {
			log("Using the project's inline buildspec")
		}
	case "INSTALL", "PRE_BUILD":
		runCommands()
	case "BUILD":
		runCommands()
		files, f := s.source(b)
		if f != nil {
			return f, lines
		}
		if f := checkAgent(files, envMap(b.Environment)); f != nil {
			log("%s", f.msg)
			return f, lines
		}
		log("Successfully built image bedrock-agentcore-arm64 (%d files in the build context)", len(files))
	case "POST_BUILD":
		runCommands()
		ref := imageRef(cmds, envMap(b.Environment))
		if ref == "" {
			log("No image to push: set %s and %s or add a docker push to the buildspec", EnvRepositoryURI, EnvImageTag)
			break
		}
		files, f := s.source(b)
		if f != nil {
			return f, lines
		}
		spec := agentpy.Parse(files[agentEntrypoint(envMap(b.Environment))])
		config, err := json.Marshal(spec)
		if err != nil {
			return &failure{"COMMAND_EXECUTION_ERROR", "record the agent's config: " + err.Error()}, lines
		}
		log("(sandbox) read from agent.py: provider %s, scopes %q, flow %s, model %s, tools %q",
			describeProvider(spec), spec.Scopes, orUnset(spec.AuthFlow), orUnset(spec.ModelID), spec.Tools)
		digest, f := s.push(ref, config)
		if f != nil {
			log("%s", f.msg)
			return f, lines
		}
		b.Image, b.Digest = ref, digest
		log("%s: digest: %s", ref[strings.LastIndex(ref, ":")+1:], digest)
	case "UPLOAD_ARTIFACTS":
		log("No artifacts to upload (NO_ARTIFACTS)")
	case "FINALIZING":
		s.dropSource(b.ID)
	}
	return nil, lines
}

// finishPhase ends the current phase and enters the next: after a failure
// the build skips to FINALIZING, as CodeBuild does when the source cannot
// be downloaded or a command fails.
func (s *Service) finishPhase(b, worked *Build, phase string, fail *failure, lines []string) {
	now := s.d.Clock.Now().UTC()
	cur := &b.Phases[len(b.Phases)-1]
	cur.End = now
	cur.Status = StatusSucceeded
	cur.Contexts = []PhaseContext{{StatusCode: "", Message: ""}}
	if fail != nil {
		cur.Status = StatusFailed
		cur.Contexts = []PhaseContext{{StatusCode: fail.code, Message: fail.msg}}
	}
	b.Log = append(b.Log, lines...)
	b.Log = append(b.Log, s.logf("Phase complete: %s State: %s", phase, cur.Status))
	// work ran on a snapshot; keep what the push recorded.
	b.Image, b.Digest = worked.Image, worked.Digest
	next := "COMPLETED"
	if fail != nil && phase != "FINALIZING" {
		next = "FINALIZING"
	} else if i := slices.Index(Phases, phase); i >= 0 && i+1 < len(Phases) {
		next = Phases[i+1]
	}
	b.Phases = append(b.Phases, Phase{Type: next, Start: now})
	if next != "COMPLETED" {
		b.Log = append(b.Log, s.logf("Entering phase %s", next))
		return
	}
	b.End = now
	b.Status = StatusSucceeded
	for _, p := range b.Phases {
		if p.Status == StatusFailed {
			b.Status = StatusFailed
		}
	}
	b.Log = append(b.Log, s.logf("Build %s: %s", b.Status, b.ID))
}

func (s *Service) setSource(id string, files map[string][]byte) {
	s.mu.Lock()
	s.sources[id] = files
	s.mu.Unlock()
}

func (s *Service) dropSource(id string) {
	s.mu.Lock()
	delete(s.sources, id)
	s.mu.Unlock()
}

// source returns the build's downloaded files, downloading again when a
// restart lost them.
func (s *Service) source(b *Build) (map[string][]byte, *failure) {
	s.mu.Lock()
	files, ok := s.sources[b.ID]
	s.mu.Unlock()
	if ok {
		return files, nil
	}
	if b.Source.Type != "S3" {
		return map[string][]byte{}, nil
	}
	files, f := s.download(b.Source.Location)
	if f == nil {
		s.setSource(b.ID, files)
	}
	return files, f
}

// download fetches and unpacks the source zip at an S3 location.
func (s *Service) download(location string) (map[string][]byte, *failure) {
	bucket, key, aerr := splitS3(location)
	where := "for primary source and source version arn:aws:s3:::" + strings.TrimPrefix(location, "arn:aws:s3:::")
	if aerr != nil {
		return nil, &failure{"CLIENT_ERROR", aerr.Message}
	}
	data, err := s.objects.GetObject(bucket, key)
	if err != nil {
		var ae *awswire.Error
		if errors.As(err, &ae) {
			return nil, &failure{"CLIENT_ERROR", ae.Code + ": " + ae.Message + " " + where}
		}
		return nil, &failure{"CLIENT_ERROR", err.Error() + " " + where}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &failure{"CLIENT_ERROR", "source is not a valid zip archive (" + err.Error() + ") " + where}
	}
	if len(zr.File) > maxSourceEntries {
		return nil, &failure{"CLIENT_ERROR", fmt.Sprintf("source zip has %d entries, more than the sandbox's limit of %d %s", len(zr.File), maxSourceEntries, where)}
	}
	tooBig := func(what string) *failure {
		return &failure{"CLIENT_ERROR", fmt.Sprintf("source zip is too large to unpack: %s, over the sandbox's limit of %d MiB per file and %d MiB in all %s",
			what, maxSourceFile>>20, maxSourceBytes>>20, where)}
	}
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := path.Clean(strings.TrimPrefix(f.Name, "./"))
		if strings.HasPrefix(name, "../") || path.IsAbs(name) {
			return nil, &failure{"CLIENT_ERROR", fmt.Sprintf("source zip entry %q escapes the source directory", f.Name)}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &failure{"CLIENT_ERROR", fmt.Sprintf("read %s from the source zip: %v", f.Name, err)}
		}
		// The sizes the zip declares may lie: what is read is counted.
		limit := min(int64(maxSourceFile), maxSourceBytes-total)
		b, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		if err != nil {
			return nil, &failure{"CLIENT_ERROR", fmt.Sprintf("read %s from the source zip: %v", f.Name, err)}
		}
		if int64(len(b)) > limit {
			return nil, tooBig(fmt.Sprintf("%s unpacks to more than %d MiB", f.Name, limit>>20))
		}
		total += int64(len(b))
		files[name] = b
	}
	return files, nil
}

// checkAgent is the sandbox's docker build: the context needs a Dockerfile
// with a FROM instruction and the agent's entrypoint file.
func checkAgent(files map[string][]byte, env map[string]string) *failure {
	const code = "COMMAND_EXECUTION_ERROR"
	df, ok := files["Dockerfile"]
	if !ok {
		return &failure{code, "Error while executing command: docker build. Reason: Dockerfile not found in source zip"}
	}
	hasFrom := false
	for _, line := range strings.Split(string(df), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && strings.EqualFold(f[0], "FROM") {
			hasFrom = true
			break
		}
	}
	if !hasFrom {
		return &failure{code, "Error while executing command: docker build. Reason: Dockerfile has no FROM instruction"}
	}
	entry := agentEntrypoint(env)
	if _, ok := files[path.Clean(entry)]; !ok {
		return &failure{code, fmt.Sprintf("Error while executing command: docker build. Reason: agent entrypoint %s not found in source zip", entry)}
	}
	return nil
}

// agentEntrypoint is the agent's source file in the build context.
func agentEntrypoint(env map[string]string) string {
	if entry := env[EnvAgentEntrypoint]; entry != "" {
		return path.Clean(entry)
	}
	return "agent.py"
}

// describeProvider says, for the build log, where the agent's provider
// name comes from.
func describeProvider(s agentpy.Spec) string {
	switch {
	case s.ProviderEnv != "":
		return "from the runtime's " + s.ProviderEnv + " variable"
	case s.ProviderName != "":
		return strconv.Quote(s.ProviderName)
	}
	return "(not found)"
}

func orUnset(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}

// imageRef is the image the build pushes: REPOSITORY_URI:IMAGE_TAG from
// the environment when REPOSITORY_URI is set (IMAGE_TAG defaults to
// "latest"), else the buildspec's last `docker push` reference.
func imageRef(cmds map[string][]string, env map[string]string) string {
	if uri := env[EnvRepositoryURI]; uri != "" {
		tag := env[EnvImageTag]
		if tag == "" {
			tag = "latest"
		}
		return uri + ":" + tag
	}
	ref := pushTarget(cmds, env)
	if ref != "" && !strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") {
		ref += ":latest"
	}
	return ref
}

// push records ref ({registry}/{repo}:{tag}) in ECR, answering failures
// with the messages docker push prints.
func (s *Service) push(ref string, config json.RawMessage) (string, *failure) {
	const code = "COMMAND_EXECUTION_ERROR"
	registry := s.d.AccountID + ".dkr.ecr." + s.d.Region + ".amazonaws.com"
	rest, ok := strings.CutPrefix(ref, registry+"/")
	if !ok {
		return "", &failure{code, fmt.Sprintf("Error while executing command: docker push %s. Reason: the image is not in this account's registry %s", ref, registry)}
	}
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return "", &failure{code, fmt.Sprintf("Error while executing command: docker push %s. Reason: the image reference has no tag", ref)}
	}
	repo, tag := rest[:i], rest[i+1:]
	digest, err := s.images.PutImageWithConfig(repo, tag, config)
	if err != nil {
		msg := err.Error()
		var ae *awswire.Error
		if errors.As(err, &ae) {
			msg = ae.Message
			if ae.Code == "RepositoryNotFoundException" {
				msg = "name unknown: " + ae.Message
			}
		}
		return "", &failure{code, fmt.Sprintf("Error while executing command: docker push %s. Reason: %s", ref, msg)}
	}
	return digest, nil
}
