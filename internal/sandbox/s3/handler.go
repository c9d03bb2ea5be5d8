package s3

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/sigv4"
)

const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// Register routes restXml requests signed for "s3" to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "s3", Protocol: awswire.RestXML, SigningName: "s3", Handler: http.HandlerFunc(s.serveHTTP), MaxBodyBytes: edge.MaxObjectBytes})
}

func writeErr(w http.ResponseWriter, err error) {
	var ae *awswire.Error
	if !errors.As(err, &ae) {
		ae = awswire.Errorf(500, "InternalError", "%v", err)
	}
	awswire.WriteError(w, awswire.RestXML, ae)
}

// bodyError answers a body that could not be read: over the edge's limit,
// not the one the client's x-amz-content-sha256 declared, or cut short.
func bodyError(err error) *awswire.Error {
	var f *sigv4.Failure
	if errors.As(err, &f) {
		return f.AWSError(awswire.RestXML)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return sigv4.TooLargeError(awswire.RestXML, "")
	}
	return awswire.Errorf(400, "IncompleteBody", "read body: %v", err)
}

func notImplemented(what string) *awswire.Error {
	return awswire.Errorf(400, "InvalidRequest", "The sandbox does not implement %s.", what)
}

// bucketQuery lists the query parameters bucket operations understand;
// anything else names a subresource the sandbox does not implement.
var bucketQuery = map[string]bool{
	"list-type": true, "prefix": true, "delimiter": true, "max-keys": true, "continuation-token": true,
	"start-after": true, "encoding-type": true, "fetch-owner": true, "x-id": true, "lifecycle": true, "location": true,
}

// objectSubresources are object subresources the sandbox does not implement.
var objectSubresources = []string{"acl", "tagging", "uploads", "uploadId", "partNumber", "retention", "legal-hold", "torrent", "restore", "attributes", "versionId", "select"}

// serveHTTP splits a path-style request into bucket and key and dispatches
// on the method and subresource, as S3's front end does.
func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := edge.RequireSigned(w, r, awswire.RestXML)
	if !ok {
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	switch {
	case bucket == "":
		if r.Method != http.MethodGet {
			writeErr(w, awswire.Errorf(405, "MethodNotAllowed", "The specified method is not allowed against this resource."))
			return
		}
		s.listBuckets(w)
	case key == "":
		for k := range q {
			if !bucketQuery[k] {
				writeErr(w, notImplemented("the ?"+k+" bucket subresource"))
				return
			}
		}
		s.bucketOp(w, r, bucket, q, id.Region)
	default:
		for _, k := range objectSubresources {
			if q.Has(k) {
				writeErr(w, notImplemented("the ?"+k+" object subresource"))
				return
			}
		}
		s.objectOp(w, r, bucket, key)
	}
}

func (s *Service) bucketOp(w http.ResponseWriter, r *http.Request, bucket string, q url.Values, region string) {
	switch {
	case r.Method == http.MethodPut && q.Has("lifecycle"):
		s.putLifecycle(w, r, bucket)
	case r.Method == http.MethodGet && q.Has("lifecycle"):
		cfg, err := s.BucketLifecycle(bucket)
		if err != nil {
			writeErr(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, xml.Header+cfg)
	case r.Method == http.MethodGet && q.Has("location"):
		region, err := s.HeadBucket(bucket)
		if err != nil {
			writeErr(w, err)
			return
		}
		if region == "us-east-1" {
			region = "" // S3 reports us-east-1 as an empty constraint
		}
		awswire.WriteXML(w, http.StatusOK, struct {
			XMLName xml.Name `xml:"LocationConstraint"`
			Xmlns   string   `xml:"xmlns,attr"`
			Value   string   `xml:",chardata"`
		}{Xmlns: xmlns, Value: region})
	case r.Method == http.MethodPut:
		s.createBucket(w, r, bucket, region)
	case r.Method == http.MethodHead:
		region, err := s.HeadBucket(bucket)
		if err != nil {
			writeErr(w, err)
			return
		}
		w.Header().Set("x-amz-bucket-region", region)
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodDelete && q.Has("lifecycle"):
		if _, err := s.HeadBucket(bucket); err != nil {
			writeErr(w, err)
			return
		}
		if err := s.PutBucketLifecycle(bucket, ""); err != nil {
			writeErr(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		if err := s.DeleteBucket(bucket); err != nil {
			writeErr(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && q.Get("list-type") == "2":
		s.listObjectsV2(w, bucket, q)
	case r.Method == http.MethodGet:
		writeErr(w, notImplemented("ListObjects (version 1); use ListObjectsV2"))
	default:
		writeErr(w, awswire.Errorf(405, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

func (s *Service) createBucket(w http.ResponseWriter, r *http.Request, bucket, region string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeErr(w, bodyError(err))
		return
	}
	var cfg createBucketConfiguration
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := xml.Unmarshal(body, &cfg); err != nil {
			writeErr(w, malformedXML())
			return
		}
	}
	if err := s.CreateBucket(bucket, strings.TrimSpace(cfg.LocationConstraint), region); err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Location", "/"+bucket)
	w.WriteHeader(http.StatusOK)
}

type lifecycleConfiguration struct {
	XMLName xml.Name `xml:"LifecycleConfiguration"`
	Rules   []struct {
		ID     string `xml:"ID"`
		Status string `xml:"Status"`
	} `xml:"Rule"`
}

func (s *Service) putLifecycle(w http.ResponseWriter, r *http.Request, bucket string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeErr(w, bodyError(err))
		return
	}
	if _, aerr := verifyChecksums(checksumHeaders(r.Header), r.Header.Get("Content-MD5"), body); aerr != nil {
		writeErr(w, aerr)
		return
	}
	var cfg lifecycleConfiguration
	if err := xml.Unmarshal(body, &cfg); err != nil || len(cfg.Rules) == 0 || len(cfg.Rules) > 1000 {
		writeErr(w, malformedXML())
		return
	}
	for _, rule := range cfg.Rules {
		if rule.Status != "Enabled" && rule.Status != "Disabled" {
			writeErr(w, malformedXML())
			return
		}
	}
	if err := s.PutBucketLifecycle(bucket, string(body)); err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K")
	w.WriteHeader(http.StatusOK)
}

type listAllMyBucketsResult struct {
	XMLName xml.Name `xml:"ListAllMyBucketsResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	Owner   struct {
		ID string `xml:"ID"`
	} `xml:"Owner"`
	Buckets []bucketXML `xml:"Buckets>Bucket"`
}

type bucketXML struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

// isoMillis is S3's XML timestamp format.
func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Service) listBuckets(w http.ResponseWriter) {
	out := listAllMyBucketsResult{Xmlns: xmlns, Buckets: []bucketXML{}}
	out.Owner.ID = s.d.AccountID
	for _, b := range s.ListBuckets() {
		out.Buckets = append(out.Buckets, bucketXML{b.Name, isoMillis(b.CreationDate), b.Region})
	}
	awswire.WriteXML(w, http.StatusOK, out)
}

type contentsXML struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

// commonPrefix is one <CommonPrefixes> element; S3 repeats the element
// per prefix rather than listing the prefixes inside one.
type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Xmlns                 string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	Contents              []contentsXML  `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

func (s *Service) listObjectsV2(w http.ResponseWriter, bucket string, q url.Values) {
	in := ListInput{Bucket: bucket, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		StartAfter: q.Get("start-after"), ContinuationToken: q.Get("continuation-token"), MaxKeys: 1000}
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErr(w, invalidArgument("Provided max-keys not an integer or within integer range"))
			return
		}
		in.MaxKeys = min(n, 1000)
	}
	enc := q.Get("encoding-type")
	if enc != "" && enc != "url" {
		writeErr(w, invalidArgument("Invalid Encoding Method specified in Request"))
		return
	}
	page, err := s.ListObjectsV2(in)
	if err != nil {
		writeErr(w, err)
		return
	}
	esc := func(s string) string {
		if enc == "url" {
			return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
		}
		return s
	}
	out := listBucketResult{
		Xmlns: xmlns, Name: bucket, Prefix: esc(in.Prefix), Delimiter: esc(in.Delimiter), MaxKeys: in.MaxKeys,
		KeyCount: len(page.Contents) + len(page.CommonPrefixes), IsTruncated: page.NextToken != "",
		EncodingType: enc, ContinuationToken: in.ContinuationToken, NextContinuationToken: page.NextToken, StartAfter: esc(in.StartAfter),
	}
	for _, o := range page.Contents {
		out.Contents = append(out.Contents, contentsXML{esc(o.Key), isoMillis(o.LastModified), o.ETag, o.Size, "STANDARD"})
	}
	for _, p := range page.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{esc(p)})
	}
	awswire.WriteXML(w, http.StatusOK, out)
}

// checksumHeaders collects x-amz-checksum-* headers by lower-cased name.
func checksumHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, v := range h {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-checksum-") && len(v) > 0 {
			out[l] = v[0]
		}
	}
	return out
}

// isAWSChunked reports whether the body is aws-chunked encoded, which the
// SDKs signal with Content-Encoding and a STREAMING-* payload hash.
func isAWSChunked(r *http.Request) bool {
	for _, ce := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
		if strings.TrimSpace(ce) == "aws-chunked" {
			return true
		}
	}
	return strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-")
}

func (s *Service) objectOp(w http.ResponseWriter, r *http.Request, bucket, key string) {
	switch r.Method {
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			writeErr(w, notImplemented("CopyObject"))
			return
		}
		s.putObject(w, r, bucket, key)
	case http.MethodGet, http.MethodHead:
		var o Object
		var data []byte
		var err error
		if r.Method == http.MethodGet {
			o, data, err = s.Object(bucket, key)
		} else {
			o, err = s.HeadObject(bucket, key)
		}
		if err != nil {
			writeErr(w, err)
			return
		}
		h := w.Header()
		h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
		h.Set("ETag", o.ETag)
		h.Set("Last-Modified", o.LastModified.UTC().Format(http.TimeFormat))
		h.Set("Accept-Ranges", "bytes")
		ct := o.ContentType
		if ct == "" {
			ct = "binary/octet-stream"
		}
		h.Set("Content-Type", ct)
		if strings.EqualFold(r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
			for a, v := range o.Checksums {
				h.Set("x-amz-checksum-"+a, v)
			}
		}
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(data)
		}
	case http.MethodDelete:
		if err := s.DeleteObject(bucket, key); err != nil {
			writeErr(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErr(w, awswire.Errorf(405, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}

func (s *Service) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeErr(w, bodyError(err))
		return
	}
	sums := checksumHeaders(r.Header)
	if isAWSChunked(r) {
		data, trailers, err := decodeAWSChunked(body)
		if err != nil {
			writeErr(w, awswire.Errorf(400, "IncompleteBody", "The aws-chunked body is malformed: %v", err))
			return
		}
		if v := r.Header.Get("X-Amz-Decoded-Content-Length"); v != "" && v != strconv.Itoa(len(data)) {
			writeErr(w, awswire.Errorf(400, "IncompleteBody", "You did not provide the number of bytes specified by the x-amz-decoded-content-length header."))
			return
		}
		for k, v := range trailers {
			sums[k] = v
		}
		body = data
	}
	verified, aerr := verifyChecksums(sums, r.Header.Get("Content-MD5"), body)
	if aerr != nil {
		writeErr(w, aerr)
		return
	}
	o, err := s.PutObject(bucket, key, body, r.Header.Get("Content-Type"), verified)
	if err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("ETag", o.ETag)
	for a, v := range o.Checksums {
		w.Header().Set("x-amz-checksum-"+a, v)
	}
	w.WriteHeader(http.StatusOK)
}
