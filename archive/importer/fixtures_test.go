package importer

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The spreadsheet fixtures are made by code, so that what they hold is
// readable here; go test -update writes them again.

// devicesXLSX is a device list as a branch keeps it: a title row above the
// headings, Chinese headings (one in full-width letters), dates typed in
// four ways and one real date cell, a row that updates a device the
// archive has, a bad row, and a second sheet.
func writeDevicesXLSX(p string) (err error) {
	check := func(e error) {
		if err == nil {
			err = e
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := "设备清单"
	check(f.SetSheetName("Sheet1", sh))
	check(f.SetCellValue(sh, "A1", "米脂县人民医院 网络设备台账"))
	rows := [][]any{
		{"序号", "设备名称", "厂 商", "型号", "序列号", "管理ＩＰ", "安装位置", "安装日期", "保修截止", "状态", "备注"},
		{1, "汇聚交换机", "华为", "S5735-L48T4X-A1", "2102359BBB", "10.12.0.3", "门诊楼3F机房 A02机柜", time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC), "2027/5/31", "在用", ""},
		{2, "防火墙", "新华三", "F1000-AK155", "210235A1XYZ", "10.12.0.2", "门诊楼3F机房 A01机柜", "2021年3月15日", "2024.3.14", "在用", "已过保"},
		{3, "无线AP", "锐捷", "RG-AP820-L", "G1NW12345678", "10.12.0.31", "住院楼2F走廊", "2023-08-20", 46253, "备用", ""},
		{4, "路由器", "HUAWEI", "AR6120", "2102353AAA", "10.12.0.256", "门诊楼3F机房", "2023/3/5", "", "在用", "IP 写错了"},
		{5, "接入交换机", "华为", "S5735-L24T4X", "2102359CCC", "10.12.0.12", "住院楼3F弱电间", "2024-02-30", "2029-02-28", "维修中", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		check(f.SetSheetRow(sh, cell, &r))
	}
	style, e := f.NewStyle(&excelize.Style{NumFmt: 14})
	check(e)
	check(f.SetCellStyle(sh, "H3", "H3", style))
	_, e = f.NewSheet("说明")
	check(e)
	check(f.SetCellValue("说明", "A1", "本表由信息科维护"))
	check(f.SaveAs(p))
	return err
}

const devicesCSV = "Name,Vendor,Model,Serial,Mgmt IP,Installed,Warranty Until,Status,Utilisation\n" +
	"核心交换机,Huawei,S5735-L24P4X-A1,2102351234ABCD,10.12.0.1,2021/3/15,2026/3/14,in_service,85%\n" +
	"备份服务器,浪潮,NF5280M6,IN2301ABCD,10.12.0.50,2023-01-10,2028-01-09,在用,0.35\n"

const customersCSV = "客户名称,行业,区县,地址,客户经理,维护人员,联系人,电话,合同到期\n" +
	"米脂县人民医院,医疗卫生,银州街道,陕西省榆林市米脂县银州街道某路 1 号,zhangwei,王芳,刘主任,13900000000,2027-02-28\n" +
	"米脂县第三中学,教育,城郊镇,米脂县城郊镇三中路 2 号,张伟,李强、王芳,赵老师,13700000000,2028/8/31\n" +
	"米脂县农商银行,金融,银州街道,米脂县银州街道 8 号,zhangwei,liqiang,,,2026年13月1日\n" +
	"米脂县第三中学,教育,,,,,,,\n" +
	"米脂县自来水公司,公用事业,龙镇,,zhangwei,,,13600000000,\n"

func writeFixtures() error {
	if err := writeDevicesXLSX(filepath.Join("testdata", "devices.xlsx")); err != nil {
		return err
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(customersCSV)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"customers-gbk.csv": []byte(gbk),
		"customers.csv":     []byte(customersCSV),
		"devices-bom.csv":   append([]byte{0xEF, 0xBB, 0xBF}, devicesCSV...),
	} {
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		if err := writeFixtures(); err != nil {
			fmt.Fprintln(os.Stderr, "write fixtures:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (run go test -update to make the fixtures)", err)
	}
	return b
}
