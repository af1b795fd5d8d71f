//! Code lists stored as short lowercase strings. One definition serves the
//! database (sea-orm `ActiveEnum`) and, with the `graphql` feature, the API
//! (`async_graphql::Enum`), so the two can never drift apart.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[sea_orm(string_value = $value)] $variant, )+
        }

        impl $name {
            /// The code as stored in the database and used in exports.
            pub fn code(self) -> &'static str {
                match self { $( Self::$variant => $value, )+ }
            }

            /// Parses a stored code; `None` for an unknown one.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $value => Some(Self::$variant), )+ _ => None }
            }

            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];
        }
    };
}

code_list! {
    /// Administrative or geographic level of an area.
    AreaKind {
        /// A sovereign country.
        Country = "country",
        /// An economic region grouping districts.
        EconomicRegion = "economic_region",
        /// A district (rayon).
        District = "district",
        /// A city of republican or district subordination.
        City = "city",
        /// A settlement (qəsəbə).
        Settlement = "settlement",
        /// A village (kənd).
        Village = "village",
    }
}

code_list! {
    /// What kind of body an organisation is.
    OrganisationKind {
        /// A United Nations agency or programme.
        UnAgency = "un_agency",
        /// A Red Cross or Red Crescent society or committee.
        RedCrossRedCrescent = "red_cross_red_crescent",
        /// A government ministry, agency, fund or commission.
        Government = "government",
        /// A non-governmental organisation or association.
        Ngo = "ngo",
        /// An intergovernmental organisation other than the UN.
        InternationalOrganisation = "international_organisation",
        /// A donor that is none of the above.
        Donor = "donor",
    }
}

code_list! {
    /// Project status, following the IATI ActivityStatus code list (1–6).
    ProjectStatus {
        /// IATI 1: being scoped or planned.
        Pipeline = "pipeline",
        /// IATI 2: being implemented.
        Implementation = "implementation",
        /// IATI 3: physical activity complete, finalisation under way.
        Finalisation = "finalisation",
        /// IATI 4: closed.
        Closed = "closed",
        /// IATI 5: cancelled.
        Cancelled = "cancelled",
        /// IATI 6: suspended.
        Suspended = "suspended",
    }
}

code_list! {
    /// Sensitivity class of a population or figure; decides the small-cell threshold.
    Sensitivity {
        /// Counts that protect no one (officials and staff trained, state
        /// bodies, organisations, centres): published as recorded.
        Public = "public",
        /// Ordinary population (default threshold 5).
        Ordinary = "ordinary",
        /// Sensitive population: trafficking victims, children, families of martyrs (default threshold 10).
        Sensitive = "sensitive",
    }
}

code_list! {
    /// Role of an organisation in a project (IATI OrganisationRole 1–4, plus partner).
    ParticipantRole {
        /// IATI 1: provides the funds.
        Funding = "funding",
        /// IATI 2: accountable for the activity.
        Accountable = "accountable",
        /// IATI 3: manages the budget on behalf of the funder.
        Extending = "extending",
        /// IATI 4: carries the activity out.
        Implementing = "implementing",
        /// Supports the project without one of the IATI roles above.
        Partner = "partner",
    }
}

code_list! {
    /// Kind of a service point or centre.
    CentreKind {
        /// Community Resource Centre (İcma Resurs Mərkəzi).
        CommunityResourceCentre = "community_resource_centre",
        /// Unified coordination centre inside a DOST centre.
        DostCoordinationCentre = "dost_coordination_centre",
        /// Migration Information Centre.
        MigrationInformationCentre = "migration_information_centre",
        /// Assistance centre for victims of human trafficking.
        VictimAssistanceCentre = "victim_assistance_centre",
        /// Rehabilitation and reintegration centre.
        RehabilitationReintegrationCentre = "rehabilitation_reintegration_centre",
        /// Social shelter.
        SocialShelter = "social_shelter",
        /// Hotline or call centre.
        Hotline = "hotline",
        /// Regional centre of a network.
        RegionalCentre = "regional_centre",
        /// District branch of a network.
        DistrictBranch = "district_branch",
    }
}

code_list! {
    /// Milestone status of a centre, in the order centres pass through them.
    CentreStatus {
        /// Decided or announced, nothing in place yet.
        Planned = "planned",
        /// Premises and rooms allocated.
        RoomsAllocated = "rooms_allocated",
        /// Furniture, IT and supplies installed.
        Equipped = "equipped",
        /// Staff or coordinator appointed.
        Staffed = "staffed",
        /// Serving people.
        Operational = "operational",
        /// No longer operating.
        Closed = "closed",
    }
}

code_list! {
    /// Kind of team.
    TeamKind {
        /// A mobile team of professionals (psychologists, lawyers, consultants).
        MobileTeam = "mobile_team",
        /// A mobile volunteer team of a Red Cross/Red Crescent society.
        MobileVolunteerTeam = "mobile_volunteer_team",
    }
}

code_list! {
    /// Lifecycle of a team.
    TeamStatus {
        /// Planned, not yet formed.
        Planned = "planned",
        /// Formed and working.
        Active = "active",
        /// Disbanded.
        Closed = "closed",
    }
}

code_list! {
    /// Kind of event.
    EventKind {
        /// A training course.
        Training = "training",
        /// A vocational (job-skills) course.
        VocationalCourse = "vocational_course",
        /// A seminar.
        Seminar = "seminar",
        /// A community meeting.
        CommunityMeeting = "community_meeting",
        /// An awareness-raising event.
        AwarenessEvent = "awareness_event",
        /// A working or coordination meeting.
        Meeting = "meeting",
    }
}

code_list! {
    /// Whether an event is planned, took place or was cancelled.
    EventStatus {
        /// Scheduled, not yet held.
        Planned = "planned",
        /// Took place.
        Held = "held",
        /// Called off.
        Cancelled = "cancelled",
    }
}

code_list! {
    /// Sex of participants in an attendance or service cell.
    Sex {
        /// Female.
        Female = "female",
        /// Male.
        Male = "male",
        /// Not recorded.
        Unknown = "unknown",
    }
}

code_list! {
    /// Age band of participants.
    AgeBand {
        /// Children, 0–17.
        Age0To17 = "0-17",
        /// Youth, 18–24.
        Age18To24 = "18-24",
        /// Adults, 25–59.
        Age25To59 = "25-59",
        /// Older people, 60 and over.
        Age60Plus = "60+",
        /// Not recorded.
        Unknown = "unknown",
    }
}

code_list! {
    /// Disability status of participants.
    Disability {
        /// Persons with a disability.
        WithDisability = "with_disability",
        /// Persons without a disability.
        WithoutDisability = "without_disability",
        /// Not recorded.
        Unknown = "unknown",
    }
}

code_list! {
    /// Beneficiary or participant category.
    BeneficiaryCategory {
        /// Staff of local or central executive authorities.
        ExecutiveAuthorityStaff = "executive_authority_staff",
        /// Members of municipalities.
        MunicipalityMember = "municipality_member",
        /// Village executive representatives.
        VillageRepresentative = "village_representative",
        /// Staff of a centre (e.g. its coordinator).
        CentreStaff = "centre_staff",
        /// Young people.
        Youth = "youth",
        /// Members of war-affected communities.
        WarAffected = "war_affected",
        /// Family members of martyrs.
        MartyrFamily = "martyr_family",
        /// Servicemen wounded in the war and war-disabled people.
        WarVeteran = "war_veteran",
        /// Victims of human trafficking and people at risk of it.
        TraffickingVictim = "trafficking_victim",
        /// Children at risk.
        ChildAtRisk = "child_at_risk",
        /// General public.
        General = "general",
        /// Not recorded.
        Unknown = "unknown",
    }
}

code_list! {
    /// Kind of infrastructure work.
    WorkKind {
        /// Irrigation line or canal.
        Irrigation = "irrigation",
        /// Road construction or surfacing.
        Road = "road",
        /// Drinking-water supply.
        Water = "water",
        /// Building construction or repair.
        Building = "building",
        /// Anything else.
        Other = "other",
    }
}

code_list! {
    /// Status of an infrastructure work, in order.
    WorkStatus {
        /// Planned.
        Planned = "planned",
        /// In procurement.
        Procurement = "procurement",
        /// Works under way.
        InProgress = "in_progress",
        /// Works finished.
        Completed = "completed",
        /// Handed over to the community or authority.
        HandedOver = "handed_over",
    }
}

code_list! {
    /// Type of support asked for or given.
    SupportType {
        /// Business advice and support.
        Business = "business",
        /// Legal aid.
        Legal = "legal",
        /// Psychological support.
        Psychological = "psychological",
        /// Material aid.
        Material = "material",
        /// Medical aid.
        Medical = "medical",
        /// Employment.
        Employment = "employment",
        /// Vocational rehabilitation.
        VocationalRehabilitation = "vocational_rehabilitation",
        /// Shelter.
        Shelter = "shelter",
        /// Social protection.
        SocialProtection = "social_protection",
        /// Medical-social expertise and rehabilitation.
        MedicalSocialExpertise = "medical_social_expertise",
        /// Anything else.
        Other = "other",
    }
}

code_list! {
    /// How a person reached the service.
    Channel {
        /// In person at a centre.
        WalkIn = "walk_in",
        /// The "142" call centre.
        CallCentre142 = "call_centre_142",
        /// A hotline.
        Hotline = "hotline",
        /// A mobile team.
        MobileTeam = "mobile_team",
        /// Referred by another body.
        Referral = "referral",
    }
}

code_list! {
    /// Stage of a service request.
    ServiceStage {
        /// Request or person received.
        Received = "received",
        /// Support given.
        Served = "served",
        /// Referred elsewhere.
        Referred = "referred",
    }
}

code_list! {
    /// Unit of a count. Counts in different units are never added together.
    CountUnit {
        /// People.
        Persons = "persons",
        /// Appeals or applications (one person may make several).
        Appeals = "appeals",
        /// Sessions held.
        Sessions = "sessions",
        /// Infrastructure works.
        Works = "works",
        /// Centres.
        Centres = "centres",
        /// Events.
        Events = "events",
        /// Organisations or state bodies.
        Organisations = "organisations",
        /// Service directions (areas of service).
        ServiceAreas = "service_areas",
        /// Teams (e.g. mobile volunteer teams).
        Teams = "teams",
    }
}

code_list! {
    /// How an indicator counts.
    CountingRule {
        /// Each person once, however often they took part.
        Unique = "unique",
        /// Every occurrence counts.
        Total = "total",
    }
}

code_list! {
    /// How an indicator's period values combine into a total.
    Aggregation {
        /// Add the values of all periods.
        Sum = "sum",
        /// Take the latest period's value (cumulative figures).
        Latest = "latest",
    }
}

code_list! {
    /// Role of a user account.
    UserRole {
        /// Runs users, organisations, API keys and approvals; sees everything.
        Admin = "admin",
        /// Enters figures for the projects in scope.
        Manager = "manager",
        /// Reads the projects their organisation funds.
        Donor = "donor",
        /// Reads public data.
        Viewer = "viewer",
    }
}

code_list! {
    /// Workflow state of a period report.
    ReportStatus {
        /// Being written.
        Draft = "draft",
        /// Sent for approval.
        Submitted = "submitted",
        /// Sent back with a comment.
        Returned = "returned",
        /// Approved and locked.
        Approved = "approved",
    }
}

code_list! {
    /// Which unit of a project owes a report.
    ObligationUnit {
        /// The project as a whole (figures not kept per centre).
        Project = "project",
        /// One centre, or every live centre of the project when none is named.
        Centre = "centre",
    }
}

code_list! {
    /// Which figures a reporting obligation asks for.
    ObligationFigures {
        /// Monthly (or quarterly) service counts.
        ServiceCounts = "service_counts",
        /// Values of the project's entered indicators for the period.
        IndicatorValues = "indicator_values",
    }
}

code_list! {
    /// How often a report is due.
    ReportingFrequency {
        /// Every calendar month.
        Monthly = "monthly",
        /// Every calendar quarter.
        Quarterly = "quarterly",
    }
}

code_list! {
    /// What a validation rule checks.
    RuleKind {
        /// A figure lies between a minimum and a maximum.
        Range = "range",
        /// One figure compared with another (served ≤ received).
        Compare = "compare",
        /// A figure is at most N times the median of its last periods.
        MedianMultiple = "median_multiple",
        /// A figure is given broken down by a dimension (sex, age band …).
        RequiredBreakdown = "required_breakdown",
    }
}

code_list! {
    /// What a broken rule does to an entry.
    RuleSeverity {
        /// The entry is refused until it is corrected.
        Error = "error",
        /// The manager confirms the entry with a reason.
        Warning = "warning",
    }
}

code_list! {
    /// Which e-mail a person gets about reports.
    MailNotifications {
        /// A mail for each event (submitted, returned, approved, overdue).
        Each = "each",
        /// One digest a week of the week's events.
        Weekly = "weekly",
        /// No mail.
        Off = "off",
    }
}
