package launchtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"testing"
)

// ZipBomb returns a small zip of entries files of size zero bytes each;
// ZipBomb(t, 150, 8<<20) is the 1.2 MB zip that unpacks to 1.2 GiB.
// The zeros are compressed once and the compressed bytes repeated, so even
// a large bomb is quick to make.
func ZipBomb(t testing.TB, entries, size int) []byte {
	t.Helper()
	var one bytes.Buffer
	fw, _ := flate.NewWriter(&one, flate.BestCompression)
	fw.Write(make([]byte, size))
	fw.Close()
	crc := crc32.ChecksumIEEE(make([]byte, size))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("zeros/%04d.bin", i), Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(one.Len()), UncompressedSize64: uint64(size)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(one.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
