//! E-mail notifications: the mail outbox and what goes in it.
//!
//! [`report_event`] writes one message per recipient when a report is
//! submitted, returned or approved, in the transaction of that change, so
//! the change and its mail commit together or not at all. [`overdue`] and
//! [`digests`] are run by the mail worker (`crate::mail::worker`). Every row
//! has a unique `dedupe_key` (one message per event and recipient: a second
//! overdue check, or a retry, writes nothing) and a stable `message_id`
//! (the `Message-ID` header), so a resend after a crash mid-send is
//! recognisable by the recipient's mail system.
//!
//! Subject and body are rendered once, in the recipient's language (`az` or
//! `en`), when the row is written. People who chose the weekly digest get
//! their rows `held` until the digest takes them; people who turned mail
//! off get none. Mails name projects, periods and comments, never figures.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use entities::codes::{MailNotifications, ObligationFigures, UserRole};
use entities::{centre, mail_message, project, report, user, user_project_scope};

use super::*;

/// Message states.
pub mod state {
    /// Waiting for its next attempt.
    pub const PENDING: &str = "pending";
    /// Waiting for the recipient's weekly digest.
    pub const HELD: &str = "held";
    /// Taken into a weekly digest (sent as part of it).
    pub const DIGESTED: &str = "digested";
    /// The SMTP server accepted it.
    pub const SENT: &str = "sent";
    /// Every retry failed.
    pub const FAILED: &str = "failed";
    /// Not sent: no SMTP server is configured.
    pub const SKIPPED: &str = "skipped";
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A manager submitted a report (to admins).
    ReportSubmitted,
    /// An admin returned a report with a comment (to the project's managers).
    ReportReturned,
    /// An admin approved a report (to the project's managers).
    ReportApproved,
    /// A report owed under an obligation is past its due day (to the project's managers).
    ReportOverdue,
    /// A week of held notices in one mail.
    Digest,
}

impl Kind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::ReportSubmitted => "report_submitted",
            Kind::ReportReturned => "report_returned",
            Kind::ReportApproved => "report_approved",
            Kind::ReportOverdue => "report_overdue",
            Kind::Digest => "digest",
        }
    }
}

/// The two languages of the hub; anything else reads as English.
fn is_az(language: &str) -> bool {
    language == "az"
}

/// Languages a person may choose for their mail.
pub const LANGUAGES: &[&str] = &["az", "en"];

fn period_text(start: NaiveDate, end: NaiveDate) -> String {
    let whole_month = start.day() == 1
        && end.succ_opt().is_some_and(|n| n.day() == 1)
        && start.month() == end.month()
        && start.year() == end.year();
    if whole_month {
        format!("{:04}-{:02}", start.year(), start.month())
    } else {
        format!("{start} – {end}")
    }
}

fn footer(az: bool) -> &'static str {
    if az {
        "Bu məktubu /manage bölməsindəki bildiriş ayarlarınıza görə alırsınız \
         (hər hadisə üçün, həftəlik xülasə və ya heç biri)."
    } else {
        "You get this mail because of your notification settings in /manage \
         (each event, a weekly digest, or none)."
    }
}

/// What a report message says.
struct ReportText<'a> {
    project: &'a project::Model,
    period: String,
    who: Option<String>,
    comment: Option<&'a str>,
}

fn render_report(kind: Kind, az: bool, t: &ReportText<'_>) -> (String, String) {
    let title = if az {
        &t.project.title_az
    } else {
        &t.project.title_en
    };
    let period = &t.period;
    let who = t.who.clone().unwrap_or_else(|| {
        if az {
            "Menecer".to_string()
        } else {
            "A manager".to_string()
        }
    });
    let comment = t.comment.unwrap_or_default();
    match (kind, az) {
        (Kind::ReportSubmitted, true) => (
            format!("Hesabat təqdim edildi: {title}, {period}"),
            format!(
                "{who} «{title}» layihəsinin {period} dövrü üzrə hesabatını təqdim etdi.\n\
                 Hesabat /manage bölməsində baxışınızı gözləyir."
            ),
        ),
        (Kind::ReportSubmitted, false) => (
            format!("Report submitted: {title}, {period}"),
            format!(
                "{who} submitted the report of \"{title}\" for {period}.\n\
                 It waits for your review in /manage."
            ),
        ),
        (Kind::ReportReturned, true) => (
            format!("Hesabat geri qaytarıldı: {title}, {period}"),
            format!(
                "«{title}» layihəsinin {period} dövrü üzrə hesabatı şərhlə geri qaytarıldı:\n\n\
                 {comment}\n\nDüzəldib /manage bölməsində yenidən təqdim edin."
            ),
        ),
        (Kind::ReportReturned, false) => (
            format!("Report returned: {title}, {period}"),
            format!(
                "The report of \"{title}\" for {period} was returned with a comment:\n\n\
                 {comment}\n\nCorrect it and submit it again in /manage."
            ),
        ),
        (Kind::ReportApproved, true) => (
            format!("Hesabat təsdiqləndi: {title}, {period}"),
            format!(
                "«{title}» layihəsinin {period} dövrü üzrə hesabatı təsdiqləndi; \
                 dövrün rəqəmləri bağlandı."
            ),
        ),
        (_, _) => (
            format!("Report approved: {title}, {period}"),
            format!(
                "The report of \"{title}\" for {period} was approved; the period's figures are locked."
            ),
        ),
    }
}

/// Who hears of a report event: admins of a submission; the project's
/// managers (and the one who submitted) of a decision. Active accounts only,
/// never the person who acted.
async fn report_recipients<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    r: &report::Model,
    actor: Option<i32>,
) -> Result<Vec<user::Model>, DbErr> {
    let mut people = match kind {
        Kind::ReportSubmitted => {
            user::Entity::find()
                .filter(user::Column::Role.eq(UserRole::Admin))
                .filter(user::Column::IsActive.eq(true))
                .order_by_asc(user::Column::Id)
                .all(db)
                .await?
        }
        _ => {
            let mut ids = project_managers(db, r.project_id).await?;
            ids.extend(r.submitted_by);
            user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .filter(user::Column::IsActive.eq(true))
                .order_by_asc(user::Column::Id)
                .all(db)
                .await?
        }
    };
    people.retain(|u| Some(u.id) != actor);
    Ok(people)
}

async fn project_managers<C: ConnectionTrait>(db: &C, project_id: i32) -> Result<Vec<i32>, DbErr> {
    Ok(user_project_scope::Entity::find()
        .filter(user_project_scope::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.user_id)
        .collect())
}

/// One message to write.
struct NewMessage<'a> {
    to: &'a user::Model,
    kind: Kind,
    dedupe_key: String,
    project_id: Option<i32>,
    report_id: Option<i32>,
    subject: String,
    body: String,
}

/// A fresh `Message-ID` local part (the worker adds `@` and the domain of
/// `MAIL_FROM`): kept with the row, so every resend carries the same id.
fn new_message_id(kind: Kind) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("hub.{}.{hex}", kind.code())
}

/// Writes a message unless the recipient turned mail off; a second write of
/// the same event and recipient (same `dedupe_key`) writes nothing. Answers
/// whether a row was written.
async fn write<C: ConnectionTrait>(db: &C, m: NewMessage<'_>) -> Result<bool, DbErr> {
    let state = match (m.kind, m.to.mail_notifications) {
        (_, MailNotifications::Off) => return Ok(false),
        (Kind::Digest, _) | (_, MailNotifications::Each) => state::PENDING,
        (_, MailNotifications::Weekly) => state::HELD,
    };
    let now = Utc::now();
    let subject: String = m.subject.chars().take(300).collect();
    let row = mail_message::ActiveModel {
        message_id: Set(new_message_id(m.kind)),
        dedupe_key: Set(m.dedupe_key),
        user_id: Set(m.to.id),
        recipient: Set(m.to.email.clone()),
        language: Set(m.to.language.clone()),
        kind: Set(m.kind.code().to_string()),
        project_id: Set(m.project_id),
        report_id: Set(m.report_id),
        subject: Set(subject),
        body: Set(format!(
            "{}\n\n-- \n{}\n",
            m.body,
            footer(is_az(&m.to.language))
        )),
        state: Set(state.to_string()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    };
    let written = mail_message::Entity::insert(row)
        .on_conflict(
            OnConflict::column(mail_message::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(written > 0)
}

/// Writes the messages of a report event (submitted, returned, approved),
/// in the caller's transaction. `r` is the report after the change (its
/// version names the event).
pub async fn report_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Kind,
    r: &report::Model,
) -> Result<(), DbErr> {
    let people = report_recipients(db, kind, r, actor.user_id()).await?;
    if people.is_empty() {
        return Ok(());
    }
    let Some(project) = project::Entity::find_by_id(r.project_id).one(db).await? else {
        return Ok(());
    };
    let who = match actor.user_id() {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let text = ReportText {
        project: &project,
        period: period_text(r.period_start, r.period_end),
        who,
        comment: r.comment.as_deref(),
    };
    for to in &people {
        let (subject, body) = render_report(kind, is_az(&to.language), &text);
        write(
            db,
            NewMessage {
                to,
                kind,
                dedupe_key: format!("{}:{}:{}:{}", kind.code(), r.id, r.version, to.id),
                project_id: Some(r.project_id),
                report_id: Some(r.id),
                subject,
                body,
            },
        )
        .await?;
    }
    Ok(())
}

/// How far back a report that became overdue still gets a mail: a hub that
/// turns mail on later does not send every overdue report of its past.
pub const OVERDUE_LOOKBACK_DAYS: i64 = 14;

fn figures_text(f: ObligationFigures, az: bool) -> &'static str {
    match (f, az) {
        (ObligationFigures::ServiceCounts, true) => "xidmət sayları",
        (ObligationFigures::ServiceCounts, false) => "service counts",
        (ObligationFigures::IndicatorValues, true) => "göstərici dəyərləri",
        (ObligationFigures::IndicatorValues, false) => "indicator values",
    }
}

/// Writes one message per overdue report and manager of its project (reports
/// whose due day passed within [`OVERDUE_LOOKBACK_DAYS`] of `today`). Run
/// again, it writes nothing new. Answers how many messages it wrote.
pub async fn overdue<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<usize, DbErr> {
    use crate::queries::completeness::{UnitState, unit_periods};
    let projects: Vec<i32> = project::Entity::find()
        .select_only()
        .column(project::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let from = today - Duration::days(OVERDUE_LOOKBACK_DAYS + 120);
    let units = unit_periods(db, &projects, from, today, today).await?;
    let since = today - Duration::days(OVERDUE_LOOKBACK_DAYS);
    let mut written = 0;
    for u in units
        .iter()
        .filter(|u| u.state == UnitState::Overdue && u.due_on >= since)
    {
        let managers = project_managers(db, u.project_id).await?;
        if managers.is_empty() {
            continue;
        }
        let people = user::Entity::find()
            .filter(user::Column::Id.is_in(managers))
            .filter(user::Column::IsActive.eq(true))
            .filter(user::Column::MailNotifications.ne(MailNotifications::Off))
            .order_by_asc(user::Column::Id)
            .all(db)
            .await?;
        if people.is_empty() {
            continue;
        }
        let Some(p) = project::Entity::find_by_id(u.project_id).one(db).await? else {
            continue;
        };
        let centre = match u.centre_id {
            Some(id) => centre::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        for to in &people {
            let az = is_az(&to.language);
            let title = if az { &p.title_az } else { &p.title_en };
            let unit = match &centre {
                Some(c) if az => c.name_az.clone(),
                Some(c) => c.name_en.clone(),
                None => title.clone(),
            };
            let period = period_text(u.period_start, u.period_end);
            let figures = figures_text(u.figures, az);
            let due = u.due_on;
            let (subject, body) = if az {
                (
                    format!("Hesabat gecikir: {unit}, {period}"),
                    format!(
                        "«{title}» layihəsində {unit} üçün {period} dövrü üzrə {figures} \
                         hesabatının son tarixi {due} idi və hələ daxil olmayıb.\n\
                         Rəqəmləri /manage bölməsində daxil edin."
                    ),
                )
            } else {
                (
                    format!("Report overdue: {unit}, {period}"),
                    format!(
                        "In \"{title}\", the {figures} report of {unit} for {period} was due \
                         on {due} and has not arrived.\nEnter the figures in /manage."
                    ),
                )
            };
            let key = format!(
                "{}:{}:{}:{}:{}",
                Kind::ReportOverdue.code(),
                u.obligation_id,
                u.centre_id.unwrap_or(0),
                u.period_start,
                to.id
            );
            if write(
                db,
                NewMessage {
                    to,
                    kind: Kind::ReportOverdue,
                    dedupe_key: key,
                    project_id: Some(u.project_id),
                    report_id: None,
                    subject,
                    body,
                },
            )
            .await?
            {
                written += 1;
            }
        }
    }
    Ok(written)
}

/// The Monday (00:00 UTC) that starts the week of `now`.
pub fn week_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = now.date_naive();
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    monday.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// Gathers, for each person on the weekly digest, the notices held from
/// before this week into one message, and marks them taken, in one
/// transaction per person: a crash leaves either both or neither. One
/// digest per person and week. Answers how many digests it wrote.
pub async fn digests(db: &sea_orm::DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let monday = week_start(now);
    let waiting: Vec<i32> = mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::UserId)
        .filter(mail_message::Column::State.eq(state::HELD))
        .filter(mail_message::Column::CreatedAt.lt(monday))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut written = 0;
    for user_id in waiting {
        let txn = crate::db::begin_write(db).await?;
        let held = mail_message::Entity::find()
            .filter(mail_message::Column::UserId.eq(user_id))
            .filter(mail_message::Column::State.eq(state::HELD))
            .filter(mail_message::Column::CreatedAt.lt(monday))
            .order_by_asc(mail_message::Column::Id)
            .all(&txn)
            .await?;
        let Some(to) = user::Entity::find_by_id(user_id).one(&txn).await? else {
            txn.rollback().await?;
            continue;
        };
        if held.is_empty() {
            txn.rollback().await?;
            continue;
        }
        let az = is_az(&to.language);
        let n = held.len();
        let subject = if az {
            format!("Həftəlik hesabat xülasəsi: {n} bildiriş")
        } else {
            format!("Your weekly reporting digest: {n} notices")
        };
        let mut body = String::new();
        for m in &held {
            // Each notice without its own footer.
            let text = m.body.split("\n\n-- \n").next().unwrap_or(&m.body);
            body.push_str(&format!("* {}\n\n{}\n\n", m.subject, text));
        }
        let ids: Vec<i64> = held.iter().map(|m| m.id).collect();
        let mut digest_to = to.clone();
        // The digest is sent even to a person who chose it (held rows only exist for them).
        digest_to.mail_notifications = MailNotifications::Each;
        let fresh = write(
            &txn,
            NewMessage {
                to: &digest_to,
                kind: Kind::Digest,
                dedupe_key: format!("digest:{user_id}:{}", monday.date_naive()),
                project_id: None,
                report_id: None,
                subject,
                body: body.trim_end().to_string(),
            },
        )
        .await?;
        mail_message::Entity::update_many()
            .col_expr(
                mail_message::Column::State,
                Expr::value(state::DIGESTED.to_string()),
            )
            .filter(mail_message::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        written += usize::from(fresh);
    }
    Ok(written)
}

/// A person's own notification settings; `None` keeps a value.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SettingsChange {
    /// `az` or `en`.
    pub language: Option<String>,
    /// Each event, a weekly digest, or none.
    pub mail_notifications: Option<MailNotifications>,
}

/// Changes the caller's own language and mail settings if `version` (the
/// user's) is current.
pub async fn update_settings<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    version: i32,
    input: &SettingsChange,
) -> ServiceResult<Outcome> {
    let Some(user_id) = actor.user_id() else {
        return Err(UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only a person with an account has mail settings",
        )
        .into());
    };
    let Some(before) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Err(UserError::new(&[], UserErrorCode::NotFound, "no such user").into());
    };
    if let Some(l) = &input.language
        && !LANGUAGES.contains(&l.as_str())
    {
        return Err(UserError::new(
            &["input", "language"],
            UserErrorCode::Invalid,
            "choose az or en",
        )
        .into());
    }
    let mut change = user::ActiveModel {
        version: Set(version + 1),
        ..Default::default()
    };
    if let Some(l) = &input.language {
        change.language = Set(l.clone());
    }
    if let Some(m) = input.mail_notifications {
        change.mail_notifications = Set(m);
    }
    if !compare_and_set::<user::Entity, _>(
        db,
        change,
        (user::Column::Id, user_id),
        (user::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "user"));
    }
    // Turning mail off drops what waits for the digest (kept as skipped,
    // so its events stay counted once).
    if input.mail_notifications == Some(MailNotifications::Off) {
        mail_message::Entity::update_many()
            .col_expr(
                mail_message::Column::State,
                Expr::value(state::SKIPPED.to_string()),
            )
            .filter(mail_message::Column::UserId.eq(user_id))
            .filter(mail_message::Column::State.eq(state::HELD))
            .exec(db)
            .await?;
    }
    audit(
        db,
        actor,
        "user.settings",
        "user",
        Some(user_id),
        Some(serde_json::json!({
            "language": before.language,
            "mailNotifications": before.mail_notifications,
        })),
        Some(serde_json::json!({
            "language": input.language.clone().unwrap_or(before.language),
            "mailNotifications": input.mail_notifications.unwrap_or(before.mail_notifications),
        })),
    )
    .await?;
    Ok(Outcome::changed(user_id))
}
