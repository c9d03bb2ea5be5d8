// Package ecr emulates the ECR repository and image operations the launch
// stage and cleanup call, and records the images CodeBuild "pushes".
package ecr

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

const storeDoc = "ecr"

// ManifestMediaType is the media type recorded for every pushed image.
const ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json"

// Image is one image manifest in a repository.
type Image struct {
	Digest   string    `json:"digest"`
	Tags     []string  `json:"tags,omitempty"`
	PushedAt time.Time `json:"pushedAt"`
	Size     int64     `json:"size"`
	// Config is what the build recorded about the image's contents (the
	// sandbox's stand-in for an image config blob): for an agent image,
	// what the learner's agent.py asks of the stand-in agent.
	Config json.RawMessage `json:"config,omitempty"`
}

// Repository is an ECR repository.
type Repository struct {
	Name          string    `json:"name"`
	Arn           string    `json:"arn"`
	URI           string    `json:"uri"`
	CreatedAt     time.Time `json:"createdAt"`
	TagMutability string    `json:"tagMutability"`
	ScanOnPush    bool      `json:"scanOnPush"`
	Images        []*Image  `json:"images,omitempty"`
}

type state struct {
	Repos map[string]*Repository `json:"repositories"`
}

// Service holds ECR state. It is safe for concurrent use.
type Service struct {
	d  edge.Deps
	mu sync.Mutex
	st state
}

// New loads ECR state from the store.
func New(d edge.Deps) (*Service, error) {
	s := &Service{d: d, st: state{Repos: map[string]*Repository{}}}
	if _, err := d.Store.Load(storeDoc, &s.st); err != nil {
		return nil, fmt.Errorf("load ecr state: %w", err)
	}
	if s.st.Repos == nil {
		s.st.Repos = map[string]*Repository{}
	}
	return s, nil
}

// Registry is the registry host of the sandbox's account and region.
func (s *Service) Registry() string {
	return s.d.AccountID + ".dkr.ecr." + s.d.Region + ".amazonaws.com"
}

type ecrPatterns struct{ name, tag, digest *regexp.Regexp }

// patterns compile on first use: their bounded repetitions made them most
// of the package's init.
var patterns = sync.OnceValue(func() ecrPatterns {
	return ecrPatterns{
		name:   regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`),
		tag:    regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`),
		digest: regexp.MustCompile(`^sha256:[a-f0-9]{64}$`),
	}
})

func checkName(name string) *awswire.Error {
	if len(name) < 2 || len(name) > 256 {
		return validation(name, "repositoryName", "Member must have length between 2 and 256")
	}
	if !patterns().name.MatchString(name) {
		return validation(name, "repositoryName", "Member must satisfy regular expression pattern: (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
	}
	return nil
}

func (s *Service) save() *awswire.Error {
	if err := s.d.Store.Save(storeDoc, s.st); err != nil {
		return serverError(err)
	}
	return nil
}

func cloneRepo(r *Repository) Repository {
	c := *r
	c.Images = make([]*Image, len(r.Images))
	for i, im := range r.Images {
		cp := *im
		cp.Tags = slices.Clone(im.Tags)
		c.Images[i] = &cp
	}
	return c
}

// CreateRepository creates a repository.
func (s *Service) CreateRepository(name, tagMutability string, scanOnPush bool) (Repository, error) {
	if err := checkName(name); err != nil {
		return Repository{}, err
	}
	switch tagMutability {
	case "":
		tagMutability = "MUTABLE"
	case "MUTABLE", "IMMUTABLE":
	default:
		return Repository{}, validation(tagMutability, "imageTagMutability", "Member must satisfy enum value set: [MUTABLE, IMMUTABLE]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.Repos[name]; ok {
		return Repository{}, repoExists(name, s.d.AccountID)
	}
	r := &Repository{
		Name: name, Arn: "arn:aws:ecr:" + s.d.Region + ":" + s.d.AccountID + ":repository/" + name,
		URI: s.Registry() + "/" + name, CreatedAt: s.d.Clock.Now().UTC().Truncate(time.Millisecond),
		TagMutability: tagMutability, ScanOnPush: scanOnPush,
	}
	s.st.Repos[name] = r
	if err := s.save(); err != nil {
		delete(s.st.Repos, name)
		return Repository{}, err
	}
	return cloneRepo(r), nil
}

func (s *Service) repo(name string) (*Repository, *awswire.Error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	r, ok := s.st.Repos[name]
	if !ok {
		return nil, repoNotFound(name, s.d.AccountID)
	}
	return r, nil
}

// DescribeRepositories returns the named repositories, or all in name
// order when names is empty.
func (s *Service) DescribeRepositories(names []string) ([]Repository, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Repository
	if len(names) == 0 {
		for _, r := range s.st.Repos {
			out = append(out, cloneRepo(r))
		}
		slices.SortFunc(out, func(a, b Repository) int { return strings.Compare(a.Name, b.Name) })
		return out, nil
	}
	for _, n := range names {
		r, err := s.repo(n)
		if err != nil {
			return nil, err
		}
		out = append(out, cloneRepo(r))
	}
	return out, nil
}

// DeleteRepository deletes a repository; with images in it only if force.
func (s *Service) DeleteRepository(name string, force bool) (Repository, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(name)
	if err != nil {
		return Repository{}, err
	}
	if len(r.Images) > 0 && !force {
		return Repository{}, repoNotEmpty(name, s.d.AccountID)
	}
	delete(s.st.Repos, name)
	if err := s.save(); err != nil {
		s.st.Repos[name] = r
		return Repository{}, err
	}
	return cloneRepo(r), nil
}

// PutImage records an image pushed as repoName:tag and returns its digest.
// As in ECR, the tag moves off any older image, which stays untagged; an
// IMMUTABLE repository refuses to move it.
func (s *Service) PutImage(repoName, tag string) (string, error) {
	return s.PutImageWithConfig(repoName, tag, nil)
}

// PutImageWithConfig is PutImage recording the image's config with it.
func (s *Service) PutImageWithConfig(repoName, tag string, config json.RawMessage) (string, error) {
	if !patterns().tag.MatchString(tag) {
		return "", invalidParameter("Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(repoName)
	if err != nil {
		return "", err
	}
	var prev *Image
	for _, im := range r.Images {
		if slices.Contains(im.Tags, tag) {
			prev = im
		}
	}
	if prev != nil && r.TagMutability == "IMMUTABLE" {
		return "", awswire.Errorf(400, "ImageTagAlreadyExistsException", "The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, repoName)
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	sum := sha256.Sum256(append([]byte(repoName+":"+tag+":"), nonce[:]...))
	im := &Image{Digest: "sha256:" + hex.EncodeToString(sum[:]), Tags: []string{tag}, PushedAt: s.d.Clock.Now().UTC().Truncate(time.Millisecond), Size: 48 << 20, Config: config}
	var oldTags []string
	if prev != nil {
		oldTags = prev.Tags
		prev.Tags = slices.DeleteFunc(slices.Clone(prev.Tags), func(t string) bool { return t == tag })
	}
	r.Images = append(r.Images, im)
	if err := s.save(); err != nil {
		r.Images = r.Images[:len(r.Images)-1]
		if prev != nil {
			prev.Tags = oldTags
		}
		return "", err
	}
	return im.Digest, nil
}

// ImageExists reports whether uri names an image in this sandbox:
// {account}.dkr.ecr.{region}.amazonaws.com/{repo}:{tag} or …/{repo}@{digest}
// (a bare repository means the tag "latest", as docker resolves it).
func (s *Service) ImageExists(uri string) bool {
	_, ok := s.ImageConfig(uri)
	return ok
}

// ImageConfig returns the config recorded with the image uri names (nil
// when none was), and whether the image exists.
func (s *Service) ImageConfig(uri string) (json.RawMessage, bool) {
	rest, ok := strings.CutPrefix(uri, s.Registry()+"/")
	if !ok {
		return nil, false
	}
	name, digest, byDigest := strings.Cut(rest, "@")
	tag := "latest"
	if !byDigest {
		if i := strings.LastIndex(rest, ":"); i >= 0 {
			name, tag = rest[:i], rest[i+1:]
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.st.Repos[name]
	if !ok {
		return nil, false
	}
	for _, im := range r.Images {
		if (byDigest && im.Digest == digest) || (!byDigest && slices.Contains(im.Tags, tag)) {
			return slices.Clone(im.Config), true
		}
	}
	return nil, false
}

// ImageID names an image by digest, tag or both.
type ImageID struct {
	Digest string `json:"imageDigest,omitempty"`
	Tag    string `json:"imageTag,omitempty"`
}

// ImageFailure is one image BatchDeleteImage could not delete.
type ImageFailure struct {
	ID     ImageID `json:"imageId"`
	Code   string  `json:"failureCode"`
	Reason string  `json:"failureReason"`
}

// find returns the image an id names, or a failure code and reason.
func find(r *Repository, id ImageID) (*Image, string, string) {
	switch {
	case id.Digest == "" && id.Tag == "":
		return nil, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null"
	case id.Digest != "" && !patterns().digest.MatchString(id.Digest):
		return nil, "InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex 'sha256:[a-f0-9]{64}'"
	}
	for _, im := range r.Images {
		if id.Digest != "" && im.Digest != id.Digest {
			continue
		}
		if id.Tag != "" && !slices.Contains(im.Tags, id.Tag) {
			if id.Digest != "" {
				return nil, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag does not map to the given digest"
			}
			continue
		}
		return im, "", ""
	}
	return nil, "ImageNotFound", "Requested image not found"
}

// DescribeImages returns the images ids name, or all when ids is empty.
// tagStatus filters the listing: TAGGED, UNTAGGED or ANY.
func (s *Service) DescribeImages(repoName string, ids []ImageID, tagStatus string) ([]Image, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(repoName)
	if err != nil {
		return nil, err
	}
	var out []Image
	if len(ids) > 0 {
		for _, id := range ids {
			im, code, _ := find(r, id)
			if im == nil {
				if code == "InvalidImageDigest" || code == "MissingDigestAndTag" {
					return nil, invalidParameter("Invalid parameter at 'imageIds' failed to satisfy constraint: 'image digest or tag must be set and well formed'")
				}
				return nil, awswire.Errorf(400, "ImageNotFoundException", "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'", orNull(id.Digest), orNull(id.Tag), repoName, s.d.AccountID)
			}
			out = append(out, *im)
		}
		return out, nil
	}
	for _, im := range r.Images {
		if keep(im, tagStatus) {
			out = append(out, *im)
		}
	}
	return out, nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func keep(im *Image, tagStatus string) bool {
	switch tagStatus {
	case "TAGGED":
		return len(im.Tags) > 0
	case "UNTAGGED":
		return len(im.Tags) == 0
	}
	return true
}

// ListImages returns one id per tag (digest alone for untagged images).
func (s *Service) ListImages(repoName, tagStatus string) ([]ImageID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(repoName)
	if err != nil {
		return nil, err
	}
	out := []ImageID{}
	for _, im := range r.Images {
		if !keep(im, tagStatus) {
			continue
		}
		if len(im.Tags) == 0 {
			out = append(out, ImageID{Digest: im.Digest})
		}
		for _, t := range im.Tags {
			out = append(out, ImageID{Digest: im.Digest, Tag: t})
		}
	}
	return out, nil
}

// BatchDeleteImage deletes images (by digest) or untags them (by tag: the
// image goes only when its last tag does), reporting per-id failures.
func (s *Service) BatchDeleteImage(repoName string, ids []ImageID) ([]ImageID, []ImageFailure, error) {
	if len(ids) == 0 || len(ids) > 100 {
		return nil, nil, validation(fmt.Sprint(len(ids)), "imageIds", "Member must have length between 1 and 100")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(repoName)
	if err != nil {
		return nil, nil, err
	}
	before := cloneRepo(r)
	deleted := []ImageID{}
	failures := []ImageFailure{}
	for _, id := range ids {
		im, code, reason := find(r, id)
		if im == nil {
			failures = append(failures, ImageFailure{id, code, reason})
			continue
		}
		if id.Digest == "" {
			// A fresh slice: images handed out earlier share the old one.
			im.Tags = slices.DeleteFunc(slices.Clone(im.Tags), func(t string) bool { return t == id.Tag })
			deleted = append(deleted, ImageID{Digest: im.Digest, Tag: id.Tag})
			if len(im.Tags) > 0 {
				continue
			}
		} else {
			for _, t := range im.Tags {
				deleted = append(deleted, ImageID{Digest: im.Digest, Tag: t})
			}
			if len(im.Tags) == 0 {
				deleted = append(deleted, ImageID{Digest: im.Digest})
			}
		}
		r.Images = slices.DeleteFunc(r.Images, func(x *Image) bool { return x == im })
	}
	if len(deleted) > 0 {
		if err := s.save(); err != nil {
			*r = before
			return nil, nil, err
		}
	}
	return deleted, failures, nil
}
