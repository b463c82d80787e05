//! Tests of `runtime/paging.rs`: streams walk pages lazily and stop on paging that never ends.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::runtime::paging::SeenCursors;
use crate::runtime::{paginate, Error, ItemStream, Next, PagingProblem};

async fn next<S: futures_core::Stream + Unpin + ?Sized>(s: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
}

#[tokio::test]
async fn paginate_walks_pages_lazily() {
    let fetches = Arc::new(AtomicU64::new(0));
    let counter = fetches.clone();
    let mut stream = paginate(0u32, move |page| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let next = if page < 2 {
                Next::offset(page, page + 1, |p| p)
            } else {
                Next::end()
            };
            Ok::<_, Error<()>>((vec![page * 10, page * 10 + 1], next))
        }
    });
    assert_eq!(fetches.load(Ordering::SeqCst), 0);
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), 0);
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), 1);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let mut rest = Vec::new();
    while let Some(item) = next(&mut stream).await {
        rest.push(item.unwrap());
    }
    assert_eq!(rest, [10, 11, 20, 21]);
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn paginate_stops_after_the_first_error() {
    let fetches = Arc::new(AtomicU64::new(0));
    let counter = fetches.clone();
    let mut stream = paginate(0u32, move |page| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if page == 0 {
                Ok((vec!["a", "b"], Next::offset(0, 1, |p| p)))
            } else {
                Err(Error::<()>::MissingCredentials { accepted: vec![] })
            }
        }
    });
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), "a");
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), "b");
    assert!(next(&mut stream).await.unwrap().is_err());
    assert!(next(&mut stream).await.is_none());
    assert!(next(&mut stream).await.is_none());
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

/// Drains a stream: its items, and the error that ended it, if any.
async fn drain<T>(stream: &mut ItemStream<'_, T, ()>) -> (Vec<T>, Option<Error<()>>) {
    let mut items = Vec::new();
    while let Some(item) = next(stream).await {
        match item {
            Ok(item) => items.push(item),
            Err(e) => {
                assert!(
                    next(stream).await.is_none(),
                    "the stream ends after an error"
                );
                return (items, Some(e));
            }
        }
    }
    (items, None)
}

/// A cursor walk over canned pages: `pages[i]` is (items, has_more, next cursor), and
/// the cursor names the page it leads to.
fn cursor_walk(pages: Vec<(Vec<u32>, bool, Option<&'static str>)>) -> ItemStream<'static, u32, ()> {
    let pages = Arc::new(pages);
    paginate(0usize, move |at| {
        let pages = pages.clone();
        async move {
            let (items, has_more, cursor) = pages[at].clone();
            let next = Next::cursor(has_more, cursor.map(str::to_owned), |c| {
                c.trim_start_matches('p').parse().unwrap()
            });
            Ok((items, next))
        }
    })
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    // Page 0 leads to p1, p1 to p2, p2 back to p1: A, B, A.
    let mut stream = cursor_walk(vec![
        (vec![1], true, Some("p1")),
        (vec![2], true, Some("p2")),
        (vec![3], true, Some("p1")),
    ]);
    let (items, err) = drain(&mut stream).await;
    assert_eq!(items, [1, 2, 3]);
    let err = err.expect("a repeated cursor is an error");
    assert!(matches!(
        err,
        Error::Paging {
            page: 3,
            reason: PagingProblem::RepeatedCursor
        }
    ));
    assert_eq!(
        err.to_string(),
        "paging stopped after page 3: the server repeated an earlier cursor"
    );
    assert!(!err.is_retryable() && err.status().is_none());

    // A cursor naming the page it came from is a repeat at once.
    let mut stream = cursor_walk(vec![
        (vec![1], true, Some("p1")),
        (vec![2], true, Some("p1")),
    ]);
    let (items, err) = drain(&mut stream).await;
    assert_eq!(items, [1, 2]);
    assert!(matches!(err, Some(Error::Paging { page: 2, .. })));
}

#[tokio::test]
async fn more_pages_without_a_cursor_end_the_stream() {
    for cursor in [None, Some("")] {
        let mut stream = cursor_walk(vec![(vec![1], true, Some("p1")), (vec![2], true, cursor)]);
        let (items, err) = drain(&mut stream).await;
        assert_eq!(items, [1, 2]);
        assert!(matches!(
            err,
            Some(Error::Paging {
                page: 2,
                reason: PagingProblem::MissingCursor
            })
        ));
    }
    // Without more pages, a missing cursor is the normal end.
    let mut stream = cursor_walk(vec![(vec![1], true, Some("p1")), (vec![2], false, None)]);
    assert_eq!(drain(&mut stream).await.0, [1, 2]);
}

#[tokio::test]
async fn a_stalled_offset_ends_the_stream() {
    // 2^53 + 1 is not an f64: adding one page to the offset leaves it where it was.
    let start = 9_007_199_254_740_992.0_f64;
    let mut stream = paginate(start, |offset| async move {
        let next = Next::offset(offset, offset + 1.0, |o| o);
        Ok((vec![offset], next))
    });
    let (items, err) = drain(&mut stream).await;
    assert_eq!(items, [start]);
    assert!(matches!(
        err,
        Some(Error::Paging {
            page: 1,
            reason: PagingProblem::OffsetStalled
        })
    ));
    // An integer offset saturates at its maximum, then stalls.
    let mut stream = paginate(i32::MAX - 3, |offset| async move {
        let next = Next::offset(offset, offset.saturating_add(2), |o| o);
        Ok((vec![offset], next))
    });
    let (items, err) = drain(&mut stream).await;
    assert_eq!(items, [i32::MAX - 3, i32::MAX - 1, i32::MAX]);
    assert!(matches!(err, Some(Error::Paging { page: 3, .. })));
}

#[test]
fn seen_cursors_catch_a_loop_past_the_exact_set() {
    let mut seen = SeenCursors::default();
    for i in 0..SeenCursors::EXACT {
        assert!(seen.insert(&format!("c{i}")));
    }
    assert!(!seen.insert("c17"), "a cursor in the exact set");
    // Past the exact set, a loop of 1,000 cursors is caught within a few rounds.
    let mut steps = 0;
    while seen.insert(&format!("loop{}", steps % 1000)) {
        steps += 1;
        assert!(steps < 10_000, "the loop was not caught");
    }
    assert!(steps >= 1000);
    assert_eq!(seen.seen.len(), SeenCursors::EXACT);
}
