//! Literal values with exact meaning: decimals as scaled integers, dates as day numbers,
//! datetimes as UTC microseconds. The calendar arithmetic is the proleptic Gregorian calendar of
//! RFC 3339, written out here because it is small and every backend must agree on it exactly.

use std::fmt;

/// An exact decimal with four fractional digits (Magento's DECIMAL(20,4)): `units` / 10⁴.
///
/// Units are 64-bit so that every backend compares them with plain integer instructions; that
/// bounds values to ±922,337,203,685,477.5807, one digit short of DECIMAL(20,4) and far beyond
/// any amount a store records. Sums and averages are computed in 128 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal {
    pub units: i64,
}

pub const DECIMAL_SCALE: u32 = 4;

#[derive(Debug, PartialEq, Eq)]
pub enum DecimalError {
    TooPrecise,
    OutOfRange,
    Malformed,
}

impl Decimal {
    /// The decimal of a whole number, if it fits.
    pub fn from_int(n: i64) -> Option<Decimal> {
        n.checked_mul(10i64.pow(DECIMAL_SCALE))
            .map(|units| Decimal { units })
    }

    /// Parses `-12.3456`; more than four fractional digits or 16 integer digits is an error.
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && frac_part.is_empty())
        {
            return Err(DecimalError::Malformed);
        }
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > DECIMAL_SCALE as usize {
            return Err(DecimalError::TooPrecise);
        }
        let int_trimmed = int_part.trim_start_matches('0');
        if int_trimmed.len() > 15 {
            return Err(DecimalError::OutOfRange);
        }
        let mut units: i128 = 0;
        for b in int_trimmed.bytes() {
            units = units * 10 + (b - b'0') as i128;
        }
        for i in 0..DECIMAL_SCALE as usize {
            let digit = frac_trimmed.as_bytes().get(i).map_or(0, |b| b - b'0');
            units = units * 10 + digit as i128;
        }
        let units = if negative { -units } else { units };
        i64::try_from(units)
            .map(|units| Decimal { units })
            .map_err(|_| DecimalError::OutOfRange)
    }
}

impl fmt::Display for Decimal {
    /// Plain notation without trailing zeros beyond two places: `87.5` prints `87.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10i64.pow(DECIMAL_SCALE);
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        let int = abs / scale as u64;
        let frac = format!("{:04}", abs % scale as u64);
        let frac = frac.trim_end_matches('0');
        let frac = if frac.len() < 2 {
            format!("{frac:0<2}")
        } else {
            frac.to_string()
        };
        write!(f, "{sign}{int}.{frac}")
    }
}

/// A calendar day: days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub days: i32,
}

/// An instant: microseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    pub micros: i64,
}

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Hours,
    Days,
    Weeks,
}

impl TimeUnit {
    pub fn parse(word: &str) -> Option<TimeUnit> {
        match word {
            "hour" | "hours" => Some(TimeUnit::Hours),
            "day" | "days" => Some(TimeUnit::Days),
            "week" | "weeks" => Some(TimeUnit::Weeks),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
        }
    }

    pub fn micros(self) -> i64 {
        match self {
            TimeUnit::Hours => 3_600_000_000,
            TimeUnit::Days => MICROS_PER_DAY,
            TimeUnit::Weeks => 7 * MICROS_PER_DAY,
        }
    }
}

pub fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid civil date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses `YYYY-MM-DD`, rejecting days that do not exist (`2026-02-30`).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err("a date is written YYYY-MM-DD".into());
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&text[..4]),
        digits(&text[5..7]),
        digits(&text[8..10]),
    ) else {
        return Err("a date is written YYYY-MM-DD".into());
    };
    if year == 0 {
        return Err("year 0000 does not exist".into());
    }
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month:02}"));
    }
    if day == 0 || day > days_in_month(year as i32, month) {
        return Err(format!("{year:04}-{month:02} has no day {day:02}"));
    }
    Ok(Date {
        days: days_from_civil(year as i32, month, day),
    })
}

/// Parses an RFC 3339 datetime (`2026-01-31T09:30:00Z`, `…+09:00`, fractional seconds up to
/// microseconds) into a UTC instant. A datetime without `Z` or an offset is rejected: the
/// instant it means would depend on where the code runs.
pub fn parse_datetime(text: &str) -> Result<Instant, String> {
    let Some((date_part, rest)) = text.split_once(['T', 't']) else {
        return Err("a datetime is written YYYY-MM-DDTHH:MM:SSZ".into());
    };
    let date = parse_date(date_part)?;
    let (time_part, offset_minutes) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0i64)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (t, offset) = rest.split_at(pos);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let hm = &offset[1..];
        let (Some(h), Some(m)) = (
            hm.get(..2).and_then(digits),
            hm.get(3..)
                .filter(|_| hm.as_bytes().get(2) == Some(&b':') && hm.len() == 5)
                .and_then(digits),
        ) else {
            return Err(format!("offset `{offset}` is not ±HH:MM"));
        };
        if h > 23 || m > 59 {
            return Err(format!("offset `{offset}` is out of range"));
        }
        (t, sign * (h as i64 * 60 + m as i64))
    } else {
        return Err("a datetime needs `Z` or an offset such as `+09:00`".into());
    };
    let (hms, fraction) = time_part.split_once('.').unwrap_or((time_part, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let field = |i: usize| {
        parts
            .get(i)
            .filter(|p| p.len() == 2)
            .and_then(|p| digits(p))
    };
    let (Some(hour), Some(minute)) = (field(0), field(1)) else {
        return Err("the time is written HH:MM or HH:MM:SS".into());
    };
    let second = if parts.len() > 2 {
        field(2).ok_or("the seconds are written SS")?
    } else {
        0
    };
    if parts.len() > 3 || hour > 23 || minute > 59 || second > 59 {
        return Err(format!("`{time_part}` is not a time of day"));
    }
    if fraction.len() > 9 || (!fraction.is_empty() && digits(fraction).is_none()) {
        return Err("fractional seconds take at most 9 digits".into());
    }
    let micros_fraction: i64 = format!("{:0<6}", &fraction[..fraction.len().min(6)])
        .parse()
        .unwrap_or(0);
    let seconds =
        date.days as i64 * 86_400 + hour as i64 * 3600 + minute as i64 * 60 + second as i64
            - offset_minutes * 60;
    Ok(Instant {
        micros: seconds * 1_000_000 + micros_fraction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn dates_and_datetimes() {
        assert!(parse_date("2026-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z").unwrap().micros, 0);
        assert_eq!(
            parse_datetime("1970-01-01T09:00:00+09:00").unwrap().micros,
            0
        );
        assert_eq!(
            parse_datetime("1970-01-01T00:00:00.5Z").unwrap().micros,
            500_000
        );
        assert!(parse_datetime("2026-01-01T10:00:00").is_err());
        assert!(parse_datetime("2026-01-01T24:00:00Z").is_err());
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(
            Decimal::parse("0.1").unwrap().units + Decimal::parse("0.2").unwrap().units,
            Decimal::parse("0.3").unwrap().units
        );
        assert_eq!(
            Decimal::parse("19.9900").unwrap(),
            Decimal::parse("19.99").unwrap()
        );
        assert_eq!(Decimal::parse("1.23456"), Err(DecimalError::TooPrecise));
        assert_eq!(Decimal::parse("-3").unwrap().units, -30_000);
        assert_eq!(
            Decimal::parse("1234567890123456"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(
            Decimal::parse("922337203685477.5807").unwrap().units,
            i64::MAX
        );
        assert_eq!(
            Decimal::parse("922337203685477.5808"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(Decimal::parse("87.5").unwrap().to_string(), "87.50");
    }
}

/// `YYYY-MM-DD` of a day number.
pub fn format_date(days: i32) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// RFC 3339 in UTC of microseconds since the epoch (`…T09:30:00Z`, a fraction when there is one).
pub fn format_datetime(micros: i64) -> String {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let within = micros.rem_euclid(MICROS_PER_DAY);
    let date = match i32::try_from(days) {
        Ok(days) => format_date(days),
        Err(_) => return format!("{micros}µs"),
    };
    let seconds = within / 1_000_000;
    let fraction = within % 1_000_000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if fraction == 0 {
        format!("{date}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{date}T{h:02}:{m:02}:{s:02}.{fraction:06}Z")
    }
}
