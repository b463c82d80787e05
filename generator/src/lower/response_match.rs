//! Lower: consumes an operation's lowered success and error responses and produces the
//! match `send` runs on the status: its arms in order, and what any other status means.

use crate::ir::{
    ErrorResponse, Outcome, ResponseArm, ResponseMatch, StatusMatch, StatusPattern, Success, Ty,
};

/// The statuses a `default` success response stands for.
const DEFAULT_SUCCESS: StatusPattern = StatusPattern::Range {
    low: 200,
    high: 299,
};

/// Specific codes first, then ranges, then the catch-all.
fn status_rank(s: &StatusMatch) -> (u8, u16) {
    match s {
        StatusMatch::Code(n) => (0, *n),
        StatusMatch::Range(n) => (1, *n),
        StatusMatch::Default => (2, 0),
    }
}

/// A status as a pattern; `default` among the successes means any 2XX.
fn pattern(s: StatusMatch) -> StatusPattern {
    match s {
        StatusMatch::Code(n) => StatusPattern::Code(n),
        StatusMatch::Range(n) => StatusPattern::Range {
            low: n * 100,
            high: n * 100 + 99,
        },
        StatusMatch::Default => DEFAULT_SUCCESS,
    }
}

/// The arms in status order (codes, then ranges, then `default`): successes decode their
/// body, documented errors that share the error body decode it, and documented errors
/// without it are reported with their status and text. Any other status is the `default`
/// error if there is one, unexpected otherwise.
pub(crate) fn response_match(
    success: &Success,
    errors: &[ErrorResponse],
    error_ty: &Ty,
) -> ResponseMatch {
    let mut arms: Vec<(StatusMatch, ResponseArm)> = Vec::new();
    match success {
        Success::Single { statuses, kind } => {
            let mut statuses = statuses.clone();
            statuses.sort_by_key(status_rank);
            let first = statuses.first().copied().unwrap_or(StatusMatch::Code(200));
            arms.push((
                first,
                ResponseArm {
                    statuses: statuses.into_iter().map(pattern).collect(),
                    outcome: Outcome::Success(kind.clone()),
                },
            ));
        }
        Success::Multi { name, variants } => {
            for v in variants {
                arms.push((
                    v.status,
                    ResponseArm {
                        statuses: vec![pattern(v.status)],
                        outcome: Outcome::Variant {
                            of: name.clone(),
                            name: v.name.clone(),
                            kind: v.kind.clone(),
                        },
                    },
                ));
            }
        }
    }
    let typed_error = if *error_ty == Ty::Unit {
        Outcome::ApiErrorEmpty
    } else {
        Outcome::ApiError
    };
    let mut has_default_error = false;
    let mut with_body = Vec::new();
    let mut without_body = Vec::new();
    for e in errors {
        if e.status == StatusMatch::Default {
            has_default_error = true;
        } else if e.has_body || *error_ty == Ty::Unit {
            with_body.push(e.status);
        } else {
            without_body.push(e.status);
        }
    }
    // A documented error without the body type the others share: its status and body text
    // are reported rather than a typed body invented.
    for (mut group, outcome) in [
        (with_body, typed_error.clone()),
        (without_body, Outcome::Unexpected),
    ] {
        group.sort_by_key(status_rank);
        if let Some(first) = group.first().copied() {
            arms.push((
                first,
                ResponseArm {
                    statuses: group.into_iter().map(pattern).collect(),
                    outcome,
                },
            ));
        }
    }
    arms.sort_by_key(|(s, _)| status_rank(s));
    ResponseMatch {
        arms: arms.into_iter().map(|(_, arm)| arm).collect(),
        otherwise: if has_default_error {
            typed_error
        } else {
            Outcome::Unexpected
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ResponseKind;

    fn error(status: StatusMatch, has_body: bool) -> ErrorResponse {
        ErrorResponse {
            status,
            has_body,
            doc: None,
        }
    }

    /// Codes before ranges before `default` (a `default` success is any 2XX), errors that
    /// share the body grouped apart from those without it, and the `default` error for the
    /// rest.
    #[test]
    fn arms_are_ordered_and_grouped_and_default_success_is_2xx() {
        let success = Success::Single {
            statuses: vec![
                StatusMatch::Default,
                StatusMatch::Range(2),
                StatusMatch::Code(201),
            ],
            kind: ResponseKind::Empty,
        };
        let errors = [
            error(StatusMatch::Default, true),
            error(StatusMatch::Code(404), false),
            error(StatusMatch::Range(5), true),
            error(StatusMatch::Code(400), true),
        ];
        let m = response_match(&success, &errors, &Ty::Named("Problem".into()));
        let arms: Vec<(Vec<StatusPattern>, Outcome)> = m
            .arms
            .into_iter()
            .map(|a| (a.statuses, a.outcome))
            .collect();
        let range = |low, high| StatusPattern::Range { low, high };
        assert_eq!(
            arms,
            [
                (
                    vec![StatusPattern::Code(201), range(200, 299), range(200, 299)],
                    Outcome::Success(ResponseKind::Empty)
                ),
                (
                    vec![StatusPattern::Code(400), range(500, 599)],
                    Outcome::ApiError
                ),
                (vec![StatusPattern::Code(404)], Outcome::Unexpected),
            ]
        );
        assert_eq!(m.otherwise, Outcome::ApiError);
        // Without an error body type, every documented error is `Error::Api` without one.
        let m = response_match(&success, &errors[1..2], &Ty::Unit);
        assert_eq!(m.arms[1].outcome, Outcome::ApiErrorEmpty);
        assert_eq!(m.otherwise, Outcome::Unexpected);
    }
}
