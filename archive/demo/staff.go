package demo

// person is a member of the branch: the id is the pinyin login that records
// name (account_manager, technicians, trainer, noted_by).
type person struct{ ID, Name string }

func (p person) email() string { return p.ID + "@mz.example.cn" }

// The branch's people. Fixed rather than generated: demos and screenshots
// read better when the same few names come back.
var (
	accountManagers = []person{
		{"zhangwei", "张伟"}, {"wangjing", "王静"}, {"liuyang", "刘洋"}, {"chenjie", "陈杰"}, {"gaoyan", "高燕"},
	}
	technicians = []person{
		{"liqiang", "李强"}, {"wangfang", "王芳"}, {"zhaolei", "赵磊"}, {"hejun", "贺军"}, {"changpeng", "常鹏"},
		{"dujuan", "杜娟"}, {"fengtao", "冯涛"}, {"jiwei", "姬伟"}, {"aijun", "艾军"}, {"gaofei", "高飞"},
	}
)

// teamLead keeps the archive's shared files (settings, guides).
var teamLead = technicians[0]
