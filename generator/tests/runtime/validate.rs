//! Tests of `runtime/validate.rs`: constraint checks and their messages.

use std::sync::OnceLock;

use crate::runtime::{check_integer, check_items, check_number, check_string, Pattern};

static HEX_ID: OnceLock<Pattern> = OnceLock::new();
static UNSUPPORTED: OnceLock<Pattern> = OnceLock::new();

#[test]
fn check_string_constraints() {
    let hex = Some((&HEX_ID, "^[a-f0-9]{24}$"));
    assert_eq!(
        check_string("5f1d7a3b9c0e2f4a6b8d1c3e", None, None, hex),
        Ok(())
    );
    assert_eq!(
        check_string("xyz", None, None, hex),
        Err("must match pattern `^[a-f0-9]{24}$`".to_owned())
    );
    assert_eq!(
        check_string("ab", Some(3), None, None),
        Err("must be at least 3 characters long".to_owned())
    );
    assert_eq!(
        check_string("", Some(1), None, None),
        Err("must be at least 1 character long".to_owned())
    );
    // Lengths count characters, not bytes.
    assert_eq!(check_string("ééé", Some(3), Some(3), None), Ok(()));
    assert_eq!(
        check_string("éééé", None, Some(3), None),
        Err("must be at most 3 characters long".to_owned())
    );
    // Lookahead is not supported by the engine: the check is skipped.
    assert_eq!(
        check_string("x", None, None, Some((&UNSUPPORTED, "^(?=a)"))),
        Ok(())
    );
}

#[test]
fn check_number_constraints() {
    assert_eq!(
        check_number(-1.0, Some(0.0), None, false, false, None),
        Err("must be >= 0".into())
    );
    assert_eq!(
        check_number(0.0, Some(0.0), None, true, false, None),
        Err("must be > 0".into())
    );
    assert_eq!(
        check_number(0.0, Some(0.0), None, false, false, None),
        Ok(())
    );
    assert_eq!(
        check_number(2.5, None, Some(2.5), false, true, None),
        Err("must be < 2.5".into())
    );
    assert_eq!(
        check_number(3.0, None, Some(2.5), false, false, None),
        Err("must be <= 2.5".into())
    );
    assert_eq!(
        check_number(0.3, None, None, false, false, Some(0.1)),
        Ok(())
    );
    assert_eq!(
        check_number(0.35, None, None, false, false, Some(0.1)),
        Err("must be a multiple of 0.1".into())
    );
    assert!(check_number(f64::NAN, Some(0.0), None, false, false, None).is_err());
    assert_eq!(
        check_number(f64::NAN, None, None, false, false, None),
        Ok(())
    );
}

#[test]
fn check_integer_and_items_constraints() {
    assert_eq!(
        check_integer(-1, Some(0), None, false, false, None),
        Err("must be >= 0".into())
    );
    assert_eq!(
        check_integer(10, None, Some(10), false, true, None),
        Err("must be < 10".into())
    );
    assert_eq!(
        check_integer(10, Some(0), Some(10), false, false, Some(5)),
        Ok(())
    );
    assert_eq!(
        check_integer(7, None, None, false, false, Some(5)),
        Err("must be a multiple of 5".into())
    );
    assert_eq!(
        check_integer(i128::MIN, None, None, false, false, Some(-1)),
        Ok(())
    );
    assert_eq!(
        check_items::<u8>(&[], Some(1), None, true),
        Err("must have at least 1 item".into())
    );
    assert_eq!(
        check_items(&[1, 2, 3], None, Some(2), true),
        Err("must have at most 2 items".into())
    );
    assert_eq!(check_items(&[1, 2], Some(1), Some(2), true), Ok(()));
}

#[test]
fn unique_items_are_checked_only_when_the_schema_asks() {
    assert_eq!(
        check_items(&["a", "b", "a"], None, None, true),
        Err("items must be unique".into())
    );
    assert_eq!(check_items(&["a", "b", "a"], None, None, false), Ok(()));
    assert_eq!(check_items(&[1.5, 2.5], None, None, true), Ok(()));
    assert_eq!(
        check_items(&[1.5, 1.5], None, None, true),
        Err("items must be unique".into())
    );
}
