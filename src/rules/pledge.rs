//! Rules of 附件2 资源使用安全责任书: its variable parts.

use super::common::{check_envelope, Ctx};
use crate::document::SecurityPledge;

/// Every rule of a pledge on its own; the pairing with its application is in [`super::set`].
pub fn check(ctx: &mut Ctx, pledge: &SecurityPledge) {
    const OWNER: &str = "安全责任书：";
    check_envelope(ctx, &pledge.envelope);
    ctx.text(pledge.unit_name.as_deref(), "unit_name", "unit_name", OWNER);
    ctx.text(
        pledge.unit_leader.as_deref(),
        "unit_leader",
        "unit_leader",
        OWNER,
    );
    ctx.text(
        pledge.contact_name.as_deref(),
        "contact_name",
        "contact_name",
        OWNER,
    );
    ctx.phone(
        pledge.contact_phone.as_deref(),
        "contact_phone",
        "contact_phone",
        OWNER,
    );
    ctx.date(
        pledge.sign_date.as_deref(),
        true,
        "sign_date",
        "sign_date",
        OWNER,
    );
    ctx.text(
        pledge.application_id.as_deref(),
        "application_id",
        "application_id",
        OWNER,
    );
}
