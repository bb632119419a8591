package archive

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// normalize turns the bytes of a file into the text the parser reads: UTF-8
// without a byte order mark and with LF line ends. Windows editors add both,
// and neither changes line numbers, so they are accepted silently.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return data
}

// notUTF8 explains, for a file that is not valid UTF-8, which encoding it
// probably is and how to convert it. Files saved by older Chinese Windows
// tools are usually GBK (GB18030).
func notUTF8(data []byte) (line, col int, format string, args []any) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	enc := guessEncoding(data)
	return line, col, "file is not UTF-8 (it looks like %s); convert it, for example with: iconv -f %s -t UTF-8 FILE > FILE.utf8 && mv FILE.utf8 FILE", []any{enc, iconvName(enc)}
}

func guessEncoding(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "UTF-16"
	}
	if looksLike(data, simplifiedchinese.GB18030.NewDecoder()) {
		return "GBK"
	}
	if looksLike(data, traditionalchinese.Big5.NewDecoder()) {
		return "Big5"
	}
	return "Latin-1 or another legacy encoding"
}

func iconvName(enc string) string {
	switch enc {
	case "GBK":
		return "GB18030"
	case "Big5", "UTF-16", "UTF-32":
		return enc
	}
	return "LATIN1"
}

// looksLike decodes data and accepts the encoding when the result is mostly
// Han characters and printable text, with no replacement characters.
func looksLike(data []byte, dec transform.Transformer) bool {
	out, _, err := transform.Bytes(dec, data)
	if err != nil || !utf8.Valid(out) {
		return false
	}
	han, bad := 0, 0
	for _, r := range string(out) {
		switch {
		case r == utf8.RuneError:
			bad++
		case unicode.Is(unicode.Han, r):
			han++
		case !unicode.IsPrint(r) && !unicode.IsSpace(r):
			bad++
		}
	}
	return bad == 0 && han > 0
}
