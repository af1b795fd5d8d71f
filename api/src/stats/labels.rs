//! Names of code values in Azerbaijani and English, for statistics rows and
//! exports (the codes themselves are in `entities::codes`).

/// `(code, az, en)` for every value of the code lists statistics group by.
const LABELS: &[(&str, &str, &str, &str)] = &[
    // (list, code, az, en)
    ("sex", "female", "Qadın", "Female"),
    ("sex", "male", "Kişi", "Male"),
    ("sex", "unknown", "Qeyd olunmayıb", "Not recorded"),
    ("age_band", "0-17", "0–17 yaş", "Aged 0–17"),
    ("age_band", "18-24", "18–24 yaş", "Aged 18–24"),
    ("age_band", "25-59", "25–59 yaş", "Aged 25–59"),
    ("age_band", "60+", "60 yaş və yuxarı", "Aged 60 and over"),
    ("age_band", "unknown", "Qeyd olunmayıb", "Not recorded"),
    (
        "disability",
        "with_disability",
        "Əlilliyi olan",
        "With a disability",
    ),
    (
        "disability",
        "without_disability",
        "Əlilliyi olmayan",
        "Without a disability",
    ),
    ("disability", "unknown", "Qeyd olunmayıb", "Not recorded"),
    (
        "category",
        "executive_authority_staff",
        "İcra hakimiyyəti əməkdaşları",
        "Executive-authority staff",
    ),
    (
        "category",
        "municipality_member",
        "Bələdiyyə üzvləri",
        "Municipality members",
    ),
    (
        "category",
        "village_representative",
        "Kənd icra nümayəndələri",
        "Village executive representatives",
    ),
    (
        "category",
        "centre_staff",
        "Mərkəz əməkdaşları",
        "Centre staff",
    ),
    ("category", "youth", "Gənclər", "Young people"),
    (
        "category",
        "war_affected",
        "Müharibədən zərər çəkmiş icmalar",
        "War-affected communities",
    ),
    (
        "category",
        "martyr_family",
        "Şəhid ailələri",
        "Families of martyrs",
    ),
    (
        "category",
        "war_veteran",
        "Müharibə veteranları və əlilləri",
        "War veterans and war-disabled people",
    ),
    (
        "category",
        "trafficking_victim",
        "İnsan alveri qurbanları və risk qrupu",
        "Trafficking victims and people at risk",
    ),
    (
        "category",
        "child_at_risk",
        "Risk qrupunda olan uşaqlar",
        "Children at risk",
    ),
    ("category", "general", "Əhali", "General public"),
    ("category", "unknown", "Qeyd olunmayıb", "Not recorded"),
    ("event_kind", "training", "Təlim", "Training"),
    (
        "event_kind",
        "vocational_course",
        "Peşə kursu",
        "Vocational course",
    ),
    ("event_kind", "seminar", "Seminar", "Seminar"),
    (
        "event_kind",
        "community_meeting",
        "İcma iclası",
        "Community meeting",
    ),
    (
        "event_kind",
        "awareness_event",
        "Maarifləndirmə tədbiri",
        "Awareness event",
    ),
    ("event_kind", "meeting", "Görüş", "Meeting"),
    (
        "support_type",
        "business",
        "Biznes dəstəyi",
        "Business support",
    ),
    ("support_type", "legal", "Hüquqi yardım", "Legal support"),
    (
        "support_type",
        "psychological",
        "Psixoloji dəstək",
        "Psychological support",
    ),
    ("support_type", "material", "Maddi yardım", "Material aid"),
    ("support_type", "medical", "Tibbi yardım", "Medical aid"),
    ("support_type", "employment", "Məşğulluq", "Employment"),
    (
        "support_type",
        "vocational_rehabilitation",
        "Peşə reabilitasiyası",
        "Vocational rehabilitation",
    ),
    ("support_type", "shelter", "Sığınacaq", "Shelter"),
    (
        "support_type",
        "social_protection",
        "Sosial müdafiə",
        "Social protection",
    ),
    (
        "support_type",
        "medical_social_expertise",
        "Tibbi-sosial ekspertiza və reabilitasiya",
        "Medical-social expertise and rehabilitation",
    ),
    ("support_type", "other", "Digər", "Other"),
    ("channel", "walk_in", "Mərkəzə müraciət", "Walk-in"),
    (
        "channel",
        "call_centre_142",
        "“142” Çağrı mərkəzi",
        "“142” call centre",
    ),
    ("channel", "hotline", "Qaynar xətt", "Hotline"),
    ("channel", "mobile_team", "Səyyar dəstə", "Mobile team"),
    ("channel", "referral", "Yönləndirmə", "Referral"),
    ("stage", "received", "Qəbul edilib", "Received"),
    ("stage", "served", "Xidmət göstərilib", "Served"),
    ("stage", "referred", "Yönləndirilib", "Referred"),
    ("unit", "persons", "nəfər", "persons"),
    ("unit", "appeals", "müraciət", "appeals"),
    ("unit", "sessions", "sessiya", "sessions"),
    ("unit", "works", "iş", "works"),
    ("unit", "centres", "mərkəz", "centres"),
    ("unit", "events", "tədbir", "events"),
    ("unit", "organisations", "qurum", "organisations"),
    (
        "unit",
        "service_areas",
        "xidmət istiqaməti",
        "service directions",
    ),
    ("unit", "teams", "dəstə", "teams"),
    (
        "centre_kind",
        "community_resource_centre",
        "İcma Resurs Mərkəzi",
        "Community Resource Centre",
    ),
    (
        "centre_kind",
        "dost_coordination_centre",
        "DOST-da vahid əlaqələndirmə mərkəzi",
        "Unified coordination centre (DOST)",
    ),
    (
        "centre_kind",
        "migration_information_centre",
        "Migrasiya İnformasiya Mərkəzi",
        "Migration Information Centre",
    ),
    (
        "centre_kind",
        "victim_assistance_centre",
        "Qurbanlara Yardım Mərkəzi",
        "Victim assistance centre",
    ),
    (
        "centre_kind",
        "rehabilitation_reintegration_centre",
        "Reabilitasiya-Reinteqrasiya Mərkəzi",
        "Rehabilitation-reintegration centre",
    ),
    (
        "centre_kind",
        "social_shelter",
        "Sosial sığınacaq",
        "Social shelter",
    ),
    (
        "centre_kind",
        "hotline",
        "Qaynar xətt / çağrı mərkəzi",
        "Hotline / call centre",
    ),
    (
        "centre_kind",
        "regional_centre",
        "Regional mərkəz",
        "Regional centre",
    ),
    (
        "centre_kind",
        "district_branch",
        "Rayon bölməsi",
        "District branch",
    ),
    ("centre_status", "planned", "Planlaşdırılıb", "Planned"),
    (
        "centre_status",
        "rooms_allocated",
        "Otaqlar ayrılıb",
        "Rooms allocated",
    ),
    ("centre_status", "equipped", "Təchiz olunub", "Equipped"),
    (
        "centre_status",
        "staffed",
        "Əməkdaşlar təyin olunub",
        "Staffed",
    ),
    (
        "centre_status",
        "operational",
        "Fəaliyyət göstərir",
        "Operational",
    ),
    ("centre_status", "closed", "Bağlanıb", "Closed"),
    ("work_kind", "irrigation", "Suvarma", "Irrigation"),
    ("work_kind", "road", "Yol", "Road"),
    ("work_kind", "water", "İçməli su", "Drinking water"),
    ("work_kind", "building", "Bina", "Building"),
    ("work_kind", "other", "Digər", "Other"),
    ("work_status", "planned", "Planlaşdırılıb", "Planned"),
    ("work_status", "procurement", "Satınalma", "Procurement"),
    ("work_status", "in_progress", "İcra olunur", "In progress"),
    ("work_status", "completed", "Tamamlanıb", "Completed"),
    (
        "work_status",
        "handed_over",
        "Təhvil verilib",
        "Handed over",
    ),
];

/// The name of `code` in code list `list` (`sex`, `age_band`, `support_type`,
/// `centre_status`…): Azerbaijani when `az`, else English. Unknown codes come
/// back as themselves.
pub fn label(list: &str, code: &str, az: bool) -> String {
    LABELS
        .iter()
        .find(|(l, c, _, _)| *l == list && *c == code)
        .map(|(_, _, a, e)| if az { *a } else { *e })
        .unwrap_or(code)
        .to_string()
}

/// The name used for an unknown or not-applicable value.
pub fn unknown(az: bool) -> &'static str {
    if az {
        "Məlum deyil / bir neçə"
    } else {
        "Unknown or several"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::codes::*;

    #[test]
    fn every_code_value_has_both_names() {
        fn check<T: Copy>(list: &str, all: &[T], code: fn(T) -> &'static str) {
            for v in all {
                let c = code(*v);
                assert!(
                    LABELS.iter().any(|(l, k, _, _)| *l == list && *k == c),
                    "{list}/{c} has no label"
                );
            }
        }
        check("sex", Sex::ALL, Sex::code);
        check("age_band", AgeBand::ALL, AgeBand::code);
        check("disability", Disability::ALL, Disability::code);
        check(
            "category",
            BeneficiaryCategory::ALL,
            BeneficiaryCategory::code,
        );
        check("event_kind", EventKind::ALL, EventKind::code);
        check("support_type", SupportType::ALL, SupportType::code);
        check("channel", Channel::ALL, Channel::code);
        check("stage", ServiceStage::ALL, ServiceStage::code);
        check("unit", CountUnit::ALL, CountUnit::code);
        check("centre_kind", CentreKind::ALL, CentreKind::code);
        check("centre_status", CentreStatus::ALL, CentreStatus::code);
        check("work_kind", WorkKind::ALL, WorkKind::code);
        check("work_status", WorkStatus::ALL, WorkStatus::code);
        assert_eq!(label("sex", "female", true), "Qadın");
        assert_eq!(label("support_type", "legal", false), "Legal support");
    }
}
