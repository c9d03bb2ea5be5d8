package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
	"sync"

	"agentcore-workshop/internal/sandbox/awswire"
)

// crc64NVME is CRC-64/NVME (reflected polynomial), S3's default checksum.
// Its table is built on first use, not at package init.
var crc64NVME = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(0x9A6C9329AC4BC9B5) })

// algorithms are the flexible checksums S3 verifies, by the suffix of their
// x-amz-checksum-* header.
var algorithms = map[string]func() hash.Hash{
	"crc32":     func() hash.Hash { return crc32.NewIEEE() },
	"crc32c":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"crc64nvme": func() hash.Hash { return crc64.New(crc64NVME()) },
	"sha1":      sha1.New,
	"sha256":    sha256.New,
}

// headerName is the canonical algorithm name S3 uses in messages.
func algoName(a string) string { return strings.ToUpper(a) }

// checksum computes algorithm a over data, base64-encoded as S3 sends it.
func checksum(a string, data []byte) string {
	h := algorithms[a]()
	h.Write(data)
	// The CRC hashes' Sum is the big-endian value, the byte order S3 uses.
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// verifyChecksums checks every x-amz-checksum-* value (from headers or
// aws-chunked trailers, lower-cased names) and Content-MD5 against data.
// It returns the verified checksums keyed by algorithm, to store.
func verifyChecksums(values map[string]string, contentMD5 string, data []byte) (map[string]string, *awswire.Error) {
	if contentMD5 != "" {
		want, err := base64.StdEncoding.DecodeString(contentMD5)
		if err != nil || len(want) != md5.Size {
			return nil, awswire.Errorf(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
		}
		got := md5.Sum(data)
		if string(got[:]) != string(want) {
			return nil, awswire.Errorf(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	var out map[string]string
	for name, v := range values {
		a, ok := strings.CutPrefix(name, "x-amz-checksum-")
		if !ok || a == "mode" || a == "type" || a == "algorithm" {
			continue
		}
		if _, known := algorithms[a]; !known {
			return nil, awswire.Errorf(400, "InvalidRequest", "The sandbox does not support the %s checksum algorithm.", algoName(a))
		}
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return nil, awswire.Errorf(400, "InvalidRequest", "Value for %s header is invalid.", name)
		}
		if checksum(a, data) != v {
			return nil, awswire.Errorf(400, "BadDigest", "The %s you specified did not match the calculated checksum.", algoName(a))
		}
		if out == nil {
			out = map[string]string{}
		}
		out[a] = v
	}
	return out, nil
}
