package archive

import "time"

// plainTag returns the tag yaml.v3 resolves a plain scalar to, for the
// values where that is certain without yaml.v3's resolver, or "" to leave
// the value to it. The resolver costs most of the fast path's time when
// used for every value: on digits, dates and addresses it tries several
// parsers whose errors allocate.
func plainTag(v string) string {
	if len(v) <= len("+.inf") {
		if tag, ok := resolveWords[v]; ok {
			return tag
		}
	}
	if c := v[0]; c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
		return numberishTag(v)
	}
	// yaml.v3 tries nothing but its word table on other values.
	return "!!str"
}

// resolveWords is yaml.v3's table of special plain words (resolve.go).
var resolveWords = map[string]string{
	"true": "!!bool", "True": "!!bool", "TRUE": "!!bool",
	"false": "!!bool", "False": "!!bool", "FALSE": "!!bool",
	"": "!!null", "~": "!!null", "null": "!!null", "Null": "!!null", "NULL": "!!null",
	".nan": "!!float", ".NaN": "!!float", ".NAN": "!!float",
	".inf": "!!float", ".Inf": "!!float", ".INF": "!!float",
	"+.inf": "!!float", "+.Inf": "!!float", "+.INF": "!!float",
	"-.inf": "!!float", "-.Inf": "!!float", "-.INF": "!!float",
	"<<": "!!merge",
}

// numberishTag tags a value starting like a number, timestamp or sign.
func numberishTag(v string) string {
	switch {
	case isDecimal(v):
		return "!!int"
	case isDateShape(v):
		if validDate(v) {
			return "!!timestamp"
		}
		return ""
	case len(v) == len("2006-01-02T15:04") && isDateShape(v[:10]) && v[10] == 'T' &&
		isDigits(v[11:13]) && v[13] == ':' && isDigits(v[14:]):
		// No timestamp format of yaml.v3 accepts a time without seconds,
		// and the T makes it no number.
		return "!!str"
	}
	for i := 0; i < len(v); i++ {
		if !numberByte[v[i]] {
			// A number or timestamp has none of this byte.
			return "!!str"
		}
	}
	return ""
}

// validDate reports whether time.Parse accepts the YYYY-MM-DD v, as
// yaml.v3 does for a timestamp, without its cost: a month of the year and
// a day of that month.
func validDate(v string) bool {
	year := int(v[0]-'0')*1000 + int(v[1]-'0')*100 + int(v[2]-'0')*10 + int(v[3]-'0')
	month := int(v[5]-'0')*10 + int(v[6]-'0')
	day := int(v[8]-'0')*10 + int(v[9]-'0')
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	return day <= time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// isDecimal: digits without a leading zero (which yaml.v3 reads as octal),
// short enough for an int64.
func isDecimal(v string) bool {
	return len(v) <= 18 && isDigits(v) && (v[0] != '0' || len(v) == 1)
}

func isDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

// isDateShape matches YYYY-MM-DD.
func isDateShape(v string) bool {
	return len(v) == 10 && isDigits(v[:4]) && v[4] == '-' && isDigits(v[5:7]) && v[7] == '-' && isDigits(v[8:])
}

// numberByte holds the bytes that may appear in a plain scalar yaml.v3
// resolves to an int, float or timestamp: digits, signs, points,
// underscores, hexadecimal digits, base prefixes, exponents and the
// letters, separators and zones of its timestamp formats.
var numberByte = func() (t [256]bool) {
	for _, c := range []byte("0123456789+-._abcdefABCDEFxXoObBtTzZ: ") {
		t[c] = true
	}
	return t
}()
