// Package s3 emulates the path-style S3 bucket and object operations the
// launch stage uses to stage the agent's source zip for CodeBuild.
package s3

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

const storeDoc = "s3"

// Object is an object's metadata; its bytes live in a blob file (or in
// memory when the sandbox has no state directory).
type Object struct {
	Key          string            `json:"key"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // quoted MD5 hex, as S3 sends it
	LastModified time.Time         `json:"lastModified"`
	ContentType  string            `json:"contentType,omitempty"`
	Checksums    map[string]string `json:"checksums,omitempty"` // e.g. "CRC32" → base64
	Blob         string            `json:"blob"`
}

// Bucket is a bucket with its objects.
type Bucket struct {
	Name         string             `json:"name"`
	Region       string             `json:"region"`
	CreationDate time.Time          `json:"creationDate"`
	Lifecycle    string             `json:"lifecycle,omitempty"` // the accepted LifecycleConfiguration XML
	Objects      map[string]*Object `json:"objects"`
}

type state struct {
	Buckets map[string]*Bucket `json:"buckets"`
}

// Service holds S3 state. It is safe for concurrent use.
type Service struct {
	d     edge.Deps
	dir   string            // blob directory; empty keeps blobs in mem
	mem   map[string][]byte // blobs of an in-memory sandbox
	mu    sync.Mutex
	state state
}

// New loads S3 state; object bytes go under the state dir's s3-objects/.
func New(d edge.Deps) (*Service, error) {
	s := &Service{d: d, mem: map[string][]byte{}, state: state{Buckets: map[string]*Bucket{}}}
	if _, err := d.Store.Load(storeDoc, &s.state); err != nil {
		return nil, fmt.Errorf("load s3 state: %w", err)
	}
	if s.state.Buckets == nil {
		s.state.Buckets = map[string]*Bucket{}
	}
	if d.Store.Dir != "" {
		s.dir = filepath.Join(d.Store.Dir, "s3-objects")
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, fmt.Errorf("create s3 object dir: %w", err)
		}
	}
	return s, nil
}

var (
	// bucketPattern compiles on first use, not at package init.
	bucketPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`) })
	ipPattern     = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
)

func validBucketName(name string) bool {
	return bucketPattern().MatchString(name) && !strings.Contains(name, "..") &&
		!ipPattern.MatchString(name)
}

func (s *Service) save() *awswire.Error {
	if err := s.d.Store.Save(storeDoc, s.state); err != nil {
		return internalError(err)
	}
	return nil
}

// CreateBucket creates a bucket in region (the region the request was
// signed for), applying S3's location-constraint rules.
func (s *Service) CreateBucket(name, locationConstraint, region string) error {
	if !validBucketName(name) {
		return invalidBucketName()
	}
	switch {
	case locationConstraint == "" && region != "us-east-1":
		return awswire.Errorf(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case locationConstraint == "us-east-1":
		return awswire.Errorf(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	case locationConstraint != "" && locationConstraint != region:
		return awswire.Errorf(400, "IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", locationConstraint)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.state.Buckets[name]; ok {
		return bucketOwned()
	}
	s.state.Buckets[name] = &Bucket{Name: name, Region: region, CreationDate: s.d.Clock.Now().UTC().Truncate(time.Millisecond), Objects: map[string]*Object{}}
	if err := s.save(); err != nil {
		delete(s.state.Buckets, name)
		return err
	}
	return nil
}

func (s *Service) bucket(name string) (*Bucket, *awswire.Error) {
	b, ok := s.state.Buckets[name]
	if !ok {
		return nil, noSuchBucket(name)
	}
	return b, nil
}

// HeadBucket returns a bucket's region.
func (s *Service) HeadBucket(name string) (region string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, aerr := s.bucket(name)
	if aerr != nil {
		return "", aerr
	}
	return b.Region, nil
}

// DeleteBucket deletes an empty bucket.
func (s *Service) DeleteBucket(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(name)
	if err != nil {
		return err
	}
	if len(b.Objects) > 0 {
		return bucketNotEmpty()
	}
	delete(s.state.Buckets, name)
	if err := s.save(); err != nil {
		s.state.Buckets[name] = b
		return err
	}
	return nil
}

// BucketInfo is a bucket as ListBuckets shows it.
type BucketInfo struct {
	Name         string
	Region       string
	CreationDate time.Time
}

// ListBuckets lists buckets in name order.
func (s *Service) ListBuckets() []BucketInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BucketInfo, 0, len(s.state.Buckets))
	for _, b := range s.state.Buckets {
		out = append(out, BucketInfo{b.Name, b.Region, b.CreationDate})
	}
	slices.SortFunc(out, func(a, b BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// blobName names the file of one version of an object: a replacing put
// writes a new file, so the old bytes stay until the new metadata is saved.
func blobName(bucket, key string, md5sum [md5.Size]byte) string {
	sum := sha256.Sum256([]byte(bucket + "\x00" + key))
	return hex.EncodeToString(sum[:]) + "-" + hex.EncodeToString(md5sum[:])
}

func (s *Service) writeBlob(name string, data []byte) error {
	if s.dir == "" {
		s.mem[name] = slices.Clone(data)
		return nil
	}
	return atomicfile.Write(filepath.Join(s.dir, name), data, 0o600)
}

func (s *Service) readBlob(name string) ([]byte, error) {
	if s.dir == "" {
		b, ok := s.mem[name]
		if !ok {
			return nil, errors.New("object bytes missing")
		}
		return slices.Clone(b), nil
	}
	return os.ReadFile(filepath.Join(s.dir, name))
}

func (s *Service) removeBlob(name string) {
	if s.dir == "" {
		delete(s.mem, name)
		return
	}
	os.Remove(filepath.Join(s.dir, name))
}

// ValidKey reports whether key is a usable object key.
func validKey(key string) bool { return key != "" && len(key) <= 1024 }

// PutObject stores an object, replacing any object under the same key.
// checksums are the already-verified x-amz-checksum-* values.
func (s *Service) PutObject(bucket, key string, data []byte, contentType string, checksums map[string]string) (Object, error) {
	if !validKey(key) {
		return Object{}, awswire.Errorf(400, "KeyTooLongError", "Your key is too long")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, aerr := s.bucket(bucket)
	if aerr != nil {
		return Object{}, aerr
	}
	sum := md5.Sum(data)
	o := &Object{
		Key: key, Size: int64(len(data)), ETag: `"` + hex.EncodeToString(sum[:]) + `"`,
		LastModified: s.d.Clock.Now().UTC().Truncate(time.Second), ContentType: contentType,
		Checksums: checksums, Blob: blobName(bucket, key, sum),
	}
	if err := s.writeBlob(o.Blob, data); err != nil {
		return Object{}, internalError(err)
	}
	old := b.Objects[key]
	b.Objects[key] = o
	if err := s.save(); err != nil {
		if old != nil {
			b.Objects[key] = old
		} else {
			delete(b.Objects, key)
		}
		if old == nil || old.Blob != o.Blob {
			s.removeBlob(o.Blob)
		}
		return Object{}, err
	}
	if old != nil && old.Blob != o.Blob {
		s.removeBlob(old.Blob)
	}
	return *o, nil
}

// HeadObject returns an object's metadata.
func (s *Service) HeadObject(bucket, key string) (Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucket)
	if err != nil {
		return Object{}, err
	}
	o, ok := b.Objects[key]
	if !ok {
		return Object{}, noSuchKey(key)
	}
	return *o, nil
}

// Object returns an object's metadata and bytes.
func (s *Service) Object(bucket, key string) (Object, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, aerr := s.bucket(bucket)
	if aerr != nil {
		return Object{}, nil, aerr
	}
	o, ok := b.Objects[key]
	if !ok {
		return Object{}, nil, noSuchKey(key)
	}
	data, err := s.readBlob(o.Blob)
	if err != nil {
		return Object{}, nil, awswire.Errorf(500, "InternalError", "read object %s: %v", key, err)
	}
	return *o, data, nil
}

// GetObject returns an object's bytes. It is what CodeBuild's
// DOWNLOAD_SOURCE phase reads; errors are NoSuchBucket / NoSuchKey.
func (s *Service) GetObject(bucket, key string) ([]byte, error) {
	_, data, err := s.Object(bucket, key)
	return data, err
}

// DeleteObject deletes an object; a missing key is not an error, as in S3.
func (s *Service) DeleteObject(bucket, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucket)
	if err != nil {
		return err
	}
	o, ok := b.Objects[key]
	if !ok {
		return nil
	}
	delete(b.Objects, key)
	if err := s.save(); err != nil {
		b.Objects[key] = o
		return err
	}
	s.removeBlob(o.Blob)
	return nil
}

// ListInput are ListObjectsV2's parameters.
type ListInput struct {
	Bucket, Prefix, Delimiter, StartAfter, ContinuationToken string
	MaxKeys                                                  int
}

// ListOutput is one page of ListObjectsV2.
type ListOutput struct {
	Contents       []Object
	CommonPrefixes []string
	NextToken      string // the last key returned, hex-encoded; empty when done
}

// ListObjectsV2 lists keys in byte order, rolling keys that share a
// prefix up to the delimiter into common prefixes.
func (s *Service) ListObjectsV2(in ListInput) (ListOutput, error) {
	var out ListOutput
	after := in.StartAfter
	if in.ContinuationToken != "" {
		raw, err := hex.DecodeString(in.ContinuationToken)
		if err != nil {
			return out, invalidArgument("The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	if in.MaxKeys < 0 {
		return out, invalidArgument("max-keys must be non-negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, aerr := s.bucket(in.Bucket)
	if aerr != nil {
		return out, aerr
	}
	keys := make([]string, 0, len(b.Objects))
	for k := range b.Objects {
		if strings.HasPrefix(k, in.Prefix) && k > after {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	seen := map[string]bool{}
	n := 0
	for _, k := range keys {
		if in.Delimiter != "" {
			if i := strings.Index(k[len(in.Prefix):], in.Delimiter); i >= 0 {
				cp := k[:len(in.Prefix)+i+len(in.Delimiter)]
				if seen[cp] {
					continue
				}
				if n == in.MaxKeys {
					out.NextToken = hex.EncodeToString([]byte(out.last()))
					return out, nil
				}
				seen[cp] = true
				out.CommonPrefixes = append(out.CommonPrefixes, cp)
				n++
				continue
			}
		}
		if n == in.MaxKeys {
			out.NextToken = hex.EncodeToString([]byte(out.last()))
			return out, nil
		}
		out.Contents = append(out.Contents, *b.Objects[k])
		n++
	}
	return out, nil
}

// last is the resume point: the greatest key or prefix returned so far.
// A common prefix resumes after every key that starts with it.
func (o ListOutput) last() string {
	var last string
	if len(o.Contents) > 0 {
		last = o.Contents[len(o.Contents)-1].Key
	}
	if n := len(o.CommonPrefixes); n > 0 {
		if cp := o.CommonPrefixes[n-1] + "\xff"; cp > last {
			last = cp
		}
	}
	return last
}

// PutBucketLifecycle stores a bucket's lifecycle configuration; the
// sandbox keeps it but never expires anything.
func (s *Service) PutBucketLifecycle(bucket, config string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucket)
	if err != nil {
		return err
	}
	old := b.Lifecycle
	b.Lifecycle = config
	if err := s.save(); err != nil {
		b.Lifecycle = old
		return err
	}
	return nil
}

// BucketLifecycle returns the stored lifecycle configuration XML.
func (s *Service) BucketLifecycle(bucket string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucket)
	if err != nil {
		return "", err
	}
	if b.Lifecycle == "" {
		return "", awswire.Errorf(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	}
	return b.Lifecycle, nil
}
