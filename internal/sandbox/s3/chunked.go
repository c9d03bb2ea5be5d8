package s3

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// decodeAWSChunked decodes an aws-chunked body (Content-Encoding:
// aws-chunked), which SDKs send over TLS so they can put the payload
// checksum in a trailer: "<hex size>[;chunk-signature=…]\r\n<data>\r\n"
// repeated, a zero-size chunk, then "name:value" trailer lines and a blank
// line. It returns the payload and the trailers by lower-cased name.
func decodeAWSChunked(body []byte) ([]byte, map[string]string, error) {
	rd := bufio.NewReader(bytes.NewReader(body))
	var out bytes.Buffer
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return nil, nil, fmt.Errorf("chunk header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		sizeHex, _, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 {
			return nil, nil, fmt.Errorf("chunk size %q is not hexadecimal", sizeHex)
		}
		if size == 0 {
			break
		}
		if size > int64(len(body)) {
			return nil, nil, fmt.Errorf("chunk size %d exceeds the body", size)
		}
		if _, err := io.CopyN(&out, rd, size); err != nil {
			return nil, nil, fmt.Errorf("chunk data: %w", err)
		}
		crlf := make([]byte, 2)
		if _, err := io.ReadFull(rd, crlf); err != nil || string(crlf) != "\r\n" {
			return nil, nil, fmt.Errorf("chunk of %d bytes is not followed by CRLF", size)
		}
	}
	trailers := map[string]string{}
	for {
		line, err := rd.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break // the blank line that ends the body (or a body without one)
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, nil, fmt.Errorf("trailer %q has no colon", line)
		}
		trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
		if err != nil {
			break
		}
	}
	return out.Bytes(), trailers, nil
}
