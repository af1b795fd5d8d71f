//! Upper bounds of every count a client or a data file can write, in one
//! place. Each write path (GraphQL mutations through the services, the CLI,
//! the demo and data-file seed) refuses a value above its bound with
//! `VALUE_OUT_OF_RANGE` on the named field, so no such value is ever stored.
//!
//! Why: a count beyond its column's range, or sums of counts beyond 2^53,
//! took public figures down (`bigint out of range`, an `i64` overflow in Rust,
//! an `INTEGER` past an `i32` column on SQLite) or were published as figures
//! JavaScript clients round. The bounds are far above anything a real
//! programme reports, and chosen so that sums over millions of rows stay far
//! below 2^53 (9.007 × 10^15): ten million service-count rows at their bound
//! add up to 10^14; a million events of capacity 10^6 to 10^12.
//!
//! The README's "Limits" section and the schema's field descriptions quote
//! these numbers; keep them in step.

use super::{UserError, UserErrorCode};

/// One bound: the largest value a field accepts (the smallest is 0; negative
/// counts have their own code, `NEGATIVE_COUNT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// What is counted, for the message.
    pub what: &'static str,
    /// The largest accepted value.
    pub max: i64,
}

/// Participants in one attendance cell (sex × age band × disability ×
/// category of one event), also after `addAttendance` adds to it.
pub const ATTENDANCE_CELL: Bound = Bound {
    what: "participants in one attendance cell",
    max: 100_000,
};

/// An event's capacity.
pub const EVENT_CAPACITY: Bound = Bound {
    what: "an event's capacity",
    max: 1_000_000,
};

/// One service count (people or appeals of one cell of one period).
pub const SERVICE_COUNT: Bound = Bound {
    what: "one service count",
    max: 10_000_000,
};

/// People who benefit from one infrastructure work.
pub const WORK_BENEFICIARIES: Bound = Bound {
    what: "beneficiaries of one work",
    max: 10_000_000,
};

/// The quantity of one infrastructure work (kilometres, units, m³…).
pub const WORK_QUANTITY: Bound = Bound {
    what: "the quantity of one work",
    max: 1_000_000_000,
};

/// An indicator's value, baseline or target.
pub const INDICATOR_VALUE: Bound = Bound {
    what: "an indicator value",
    max: 1_000_000_000,
};

/// A budget amount (project or work), in whole units of its currency.
pub const BUDGET: Bound = Bound {
    what: "a budget amount",
    max: 1_000_000_000_000,
};

/// Small structural counts: rooms of a centre, people in a team role, goals of a plan.
pub const SMALL_COUNT: Bound = Bound {
    what: "this count",
    max: 100_000,
};

impl Bound {
    /// True when `value` is within `0..=max` (negative values are the
    /// caller's `NEGATIVE_COUNT`, reported separately).
    pub fn accepts(&self, value: i64) -> bool {
        value <= self.max
    }

    /// The message of a refused value.
    pub fn message(&self) -> String {
        format!(
            "{} is at most {}; check the figure (a typo?)",
            self.what, self.max
        )
    }

    /// `VALUE_OUT_OF_RANGE` on `field` when `value` is above the bound.
    pub fn check(&self, value: i64, field: &[&str]) -> Option<UserError> {
        (!self.accepts(value))
            .then(|| UserError::new(field, UserErrorCode::ValueOutOfRange, self.message()))
    }

    /// The same for a fractional quantity (NaN and infinities are refused too).
    pub fn check_f64(&self, value: f64, field: &[&str]) -> Option<UserError> {
        (!value.is_finite() || value > self.max as f64)
            .then(|| UserError::new(field, UserErrorCode::ValueOutOfRange, self.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums the API publishes stay exact in a JSON number even over ten
    /// million rows at their bound.
    #[test]
    fn sums_of_ten_million_rows_at_the_bound_stay_below_2_pow_53() {
        const TWO_POW_53: i64 = 1 << 53;
        for bound in [
            ATTENDANCE_CELL,
            EVENT_CAPACITY,
            SERVICE_COUNT,
            WORK_BENEFICIARIES,
        ] {
            assert!(bound.max.checked_mul(10_000_000).unwrap() < TWO_POW_53);
        }
        assert!(i32::try_from(ATTENDANCE_CELL.max).is_ok());
        assert!(i32::try_from(EVENT_CAPACITY.max).is_ok());
    }

    #[test]
    fn a_value_above_the_bound_is_refused_on_its_field() {
        assert!(SERVICE_COUNT.check(SERVICE_COUNT.max, &["v"]).is_none());
        let e = SERVICE_COUNT.check(SERVICE_COUNT.max + 1, &["v"]).unwrap();
        assert_eq!(e.code, UserErrorCode::ValueOutOfRange);
        assert!(WORK_QUANTITY.check_f64(f64::NAN, &["q"]).is_some());
    }
}
