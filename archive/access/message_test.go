package access_test

import (
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
)

func TestMessage(t *testing.T) {
	devices := archive.Parse("customers/x/devices.md", []byte("---\nkind: devices\ndevices:\n  - {id: sw-1, vendor: Huawei, model: S5735-L24P4X-A1, serial: \"HW-SECRET-77\", mgmt_ip: 10.1.2.3, location: 三层机房东侧}\n---\n"))
	p := access.Policy{Settings: archive.DefaultSettings()}
	mkt := access.Viewer{Name: "shichang", Role: access.Marketing}
	tech := access.Viewer{Name: "liqiang", Role: access.Technician}
	tests := []struct {
		msg  string
		gone []string // must not survive for marketing
		kept []string // must survive for marketing
	}{
		{"更换 sw-1 序列号 HW-SECRET-77 的电源", []string{"HW-SECRET-77"}, []string{"更换", "电源"}},
		{"管理地址 10.1.2.3 改为 10.1.2.4/24", []string{"10.1.2.3", "10.1.2.4"}, []string{"管理地址"}},
		{"旧序列号 2102351234ABCD 报废", []string{"2102351234ABCD"}, []string{"报废"}},
		{"联系人电话 13800001111，邮箱 a.b@x.cn", []string{"13800001111", "a.b@x.cn"}, []string{"联系人"}},
		{"机柜搬到三层机房东侧", []string{"三层机房东侧"}, []string{"机柜"}},
		{"升级 S5735-L24P4X-A1 到 2026 年版本", nil, []string{"S5735-L24P4X-A1", "2026"}},
		{"fe80::1 地址", []string{"fe80::1"}, nil},
	}
	for _, tt := range tests {
		got := p.Message(mkt, tt.msg, []*archive.Record{devices})
		for _, s := range tt.gone {
			if strings.Contains(got, s) {
				t.Errorf("Message(marketing, %q) = %q: %q survived", tt.msg, got, s)
			}
		}
		for _, s := range tt.kept {
			if !strings.Contains(got, s) {
				t.Errorf("Message(marketing, %q) = %q: %q was lost", tt.msg, got, s)
			}
		}
		if got := p.Message(tech, tt.msg, []*archive.Record{devices}); got != tt.msg {
			t.Errorf("Message(technician, %q) = %q, want it unchanged", tt.msg, got)
		}
	}
}

func TestScrubLongestFirst(t *testing.T) {
	got := access.Scrub("线路从米脂县公安局迁到米脂县公安局新楼", []string{"米脂县", "米脂县公安局新楼", "ab"})
	if got != "线路从…公安局迁到…" {
		t.Errorf("Scrub = %q", got)
	}
}
