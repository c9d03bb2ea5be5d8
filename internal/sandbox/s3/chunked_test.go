package s3

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
)

func TestDecodeAWSChunked(t *testing.T) {
	body := "5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	data, trailers, err := decodeAWSChunked([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "hello world" {
		t.Errorf("data = %q", data)
	}
	if trailers["x-amz-checksum-crc32"] != "DUoRhQ==" {
		t.Errorf("trailers = %v", trailers)
	}
	for _, bad := range []string{"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhel", "5\r\nhelloXX0\r\n\r\n", "0\r\nnocolon\r\n\r\n", "ffffff\r\nx\r\n"} {
		if _, _, err := decodeAWSChunked([]byte(bad)); err == nil {
			t.Errorf("decodeAWSChunked(%q) accepted a malformed body", bad)
		}
	}
}

func TestChecksumCheckValues(t *testing.T) {
	// The published check values of each algorithm over "123456789".
	want := map[string]uint64{"crc32": 0xCBF43926, "crc32c": 0xE3069283, "crc64nvme": 0xAE8B14860A799888}
	for a, v := range want {
		var b []byte
		if a == "crc64nvme" {
			b = binary.BigEndian.AppendUint64(nil, v)
		} else {
			b = binary.BigEndian.AppendUint32(nil, uint32(v))
		}
		if got := checksum(a, []byte("123456789")); got != base64.StdEncoding.EncodeToString(b) {
			t.Errorf("%s = %s, want %s", a, got, base64.StdEncoding.EncodeToString(b))
		}
	}
}
