//! Rules of 附件2 资源使用安全责任书: its variable parts.

use super::collector::{Ctx, Field};
use super::shared::check_envelope;
use crate::document::SecurityPledge;

/// Every rule of a pledge on its own; the pairing with its application is in [`super::set`].
pub fn check(ctx: &mut Ctx, pledge: &SecurityPledge) {
    const OWNER: &str = "安全责任书：";
    check_envelope(ctx, &pledge.envelope);
    ctx.text(pledge.unit_name.as_deref(), Field::top("unit_name"), OWNER);
    ctx.text(
        pledge.unit_leader.as_deref(),
        Field::top("unit_leader"),
        OWNER,
    );
    ctx.text(
        pledge.contact_name.as_deref(),
        Field::top("contact_name"),
        OWNER,
    );
    ctx.phone(
        pledge.contact_phone.as_deref(),
        Field::top("contact_phone"),
        OWNER,
    );
    ctx.date(
        pledge.sign_date.as_deref(),
        true,
        Field::top("sign_date"),
        OWNER,
    );
    ctx.text(
        pledge.application_id.as_deref(),
        Field::top("application_id"),
        OWNER,
    );
}
