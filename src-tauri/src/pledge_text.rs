//! **Temporary copy** of the fixed text of 附件2 资源使用安全责任书, from the
//! measures (韶政数通〔2020〕16号), so the editor can show the clauses before
//! the core's `pledge_text` module (being added with the renderer) is merged.
//! At merge: make `commands::pledge_text` read `gcforms::pledge_text` and
//! delete this file. The wording is kept as printed, slips included.

/// One numbered clause.
pub struct Clause {
    /// The clause, starting with its number (「一、」).
    pub text: &'static str,
    /// Numbered items under it.
    pub items: &'static [&'static str],
    /// A paragraph after the items.
    pub after: Option<&'static str>,
}

/// The title, in the two lines the source breaks it into.
pub const TITLE_LINES: [&str; 2] = ["韶关市“数字政府”政务云资源使用", "安全责任书"];

/// The paragraph before the clauses.
pub const PREAMBLE: &str = "根据《中华人民共和国计算机网络安全管理办法》、《中华人民共和国计算机信息系统安全保护条例》等有关法律法规规定及《韶关市“数字政府”政务云管理办法》（试行）等文件的要求，为保障韶关市“数字政府”政务云（以下简称“数字政府”政务云）持续、稳定、安全、高效运行，确保网络和信息安全，我单位作为“数字政府”政务云资源使用单位，同意与“数字政府”政务云主管单位签订本安全责任书，具体内容如下：";

/// The closing note.
pub const NOTE: &str =
    "备注：本责任书一式两份，韶关市“数字政府”政务云主管单位和资源使用（责任）单位各执一份。";

/// The seventeen clauses, in order.
pub const CLAUSES: [Clause; 17] = [
    Clause {
        text: "一、资源使用单位在使用“数字政府”政务云资源时应遵守国家的有关法律法规、行政规章和有关制度。",
        items: &[],
        after: None,
    },
    Clause {
        text: "二、资源使用单位不得利用电子政务网络和“数字政府”政务云从事危害国家安全、泄露国家秘密等犯罪活动，不得从事危害他人信息系统和网络安全，侵犯他人合法权益的活动，不得上传、下载、储存和发布违法信息，包括但不限于：",
        items: &["1、违反国家法律法规的任何内容（信息）。", "2、违反国家规定的政治宣传或新闻信息。", "3、涉及国家安全的信息。", "4、封建迷信或淫秽色情的信息、博彩有奖游戏。", "5、违反国家民族和宗教政策的。", "6、侵害他人合法权益的信息或有损于社会秩序、社会治安、公共道德的信息或内容。", "7、恶意的、挑衅性的文件和商业广告。"],
        after: Some("资源使用单位若出现违法行为，须承担由此产生的法律责任。资源使用单位若发现政务云和信息系统中存在此类信息，应及时向“数字政府”政务云主管单位报告。"),
    },
    Clause {
        text: "三、资源使用单位应建立健全“数字政府”政务云资源申请、使用、管理和安全等制度并严格贯彻落实，主动接受“数字政府”政务云主管单位的管理、监督和检查。",
        items: &[],
        after: None,
    },
    Clause {
        text: "四、资源使用单位应按照“数字政府”政务云主管单位的要求如实提供上云信息系统、云资源使用等材料。",
        items: &[],
        after: None,
    },
    Clause {
        text: "五、资源使用单位应指定相对固定的业务联系人，并向“数字政府”政务云主管单位提供联系人名单。联系人名单有变动应及时告知“数字政府”政务云主管单位。",
        items: &[],
        after: None,
    },
    Clause {
        text: "六、资源使用单位提供的联系人及其委派负责政务信息系统迁移上云的第三方等人员，视为资源使用单位的人员，因资源使用单位上述人员的行为或者不作为而产生的后果均由资源使用单位承担。",
        items: &[],
        after: None,
    },
    Clause {
        text: "七、资源使用单位申请的“数字政府”政务云资源，仅可用于本单位政务信息系统的部署，不可随意变更用途或提供给其他单位使用。",
        items: &[],
        after: None,
    },
    Clause {
        text: "八、“数字政府”政务云主管单位分配的 IP 地址，资源使用单位只有使用权，不可转让他人使用。“数字政府”政务云资源撤消后，IP 地址使用权自动取消。资源使用单位有义务接受“数字政府”政务云主管单位对 IP 地址使用情况的监督检查。如果资源使用单位提供虚假资料，“数字政府”政务云主管单位有权处理并收回所分配的 IP 地址。",
        items: &[],
        after: None,
    },
    Clause {
        text: "九、资源使用单位使用“数字政府”政务云资源，开办网站、开设电子公告栏、BBS 以及交互式论坛的须按照有关法律法规要求，报有关主管部门审批备案并由资源使用单位对网站发布信息的完整性、准确性、合法合规性负责。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十、电子政务网络或“数字政府”政务云出现异常或突发情况，资源使用单位应积极配合和协助“数字政府”政务云主管单位排查和解决故障。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十一、严禁资源使用单位泄露资源主机的账号、密码等资源，如由于资源使用单位及其相关人员原因造成账号、密码泄露的，一切后果由资源使用单位承担。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十二、“数字政府”政务云主管单位负责提供良好的机房运行环境，资源使用单位相关人员进入“数字政府”政务云机房时，应严格遵守机房各项管理规定。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十三、“数字政府”政务云主管单位向资源使用单位提供的任何资料、技术支持、服务等知识产权均属于“数字政府”政务云主管单位所有，资源使用单位无权复制、传播、转让、许可或提供他人使用。资源使用单位与“数字政府”政务云主管单位另有约定的，从其约定。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十四、“数字政府”政务云服务提供商负责“数字政府”政务云和网络基础设施的安全。政务信息系统上线运行前，由信息安全服务机构负责对信息系统进行安全检测，通过安全检测方能上线运行。迁移上云后，资源使用单位负责信息系统的的功能安全和数据安全。资源使用单位应委托具有等保测评资质的机构对信息系统开展网络安全等级保护测评。由于资源使用单位原因造成的安全问题，所产生的后果由资源使用单位承担。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十五、资源使用单位主要领导为“数字政府”政务云资源使用安全工作第一责任人。资源使用单位有责任教育、监督本单位人员严格遵守上述条款。若因资源使用单位责任落实不到位，造成安全事件的，将承担相关责任。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十六、对于违反上述规定的资源使用单位，“数字政府”政务云主管单位有权停止有关服务，收回资源。",
        items: &[],
        after: None,
    },
    Clause {
        text: "十七、本责任书自签署之日起生效。",
        items: &[],
        after: None,
    },
];
