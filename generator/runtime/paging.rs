//! Paging: item streams over pages, which stop with an error when the server's paging
//! would never end.

use std::collections::hash_map::RandomState;
use std::fmt::{self, Display};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Error;

/// A boxed stream of items, returned by generated `*_stream()` helpers.
pub type ItemStream<'a, T, E> =
    Pin<Box<dyn futures_core::Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// Builds an item stream from a page-fetching closure.
///
/// `fetch(state)` returns a page's items and where the next page starts ([`Next`]).
/// Items are yielded in order; the next page is fetched only once the previous page's
/// items are consumed. The stream ends after the last page, or after yielding the first
/// error. A server whose paging would never end (a cursor it returned before, more pages
/// claimed without a cursor, an offset that does not advance) ends it with
/// [`Error::Paging`] after the items of the page that broke the rule.
pub fn paginate<'a, S, T, E, F, Fut>(initial: S, fetch: F) -> ItemStream<'a, T, E>
where
    S: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Next<S>), Error<E>>> + Send + 'a,
{
    Box::pin(Pages {
        fetch,
        state: PageState::Next(initial),
        items: Vec::new().into_iter(),
        pages: 0,
        cursors: SeenCursors::default(),
    })
}

/// Where the next page starts, as a fetched page tells it. Generated `stream()` helpers
/// build it; [`paginate`] checks it.
pub struct Next<S>(NextPage<S>);

enum NextPage<S> {
    End,
    Cursor { state: S, cursor: String },
    Offset { state: S },
    Broken(PagingProblem),
}

impl<S> Next<S> {
    /// The page was the last one.
    pub fn end() -> Self {
        Next(NextPage::End)
    }

    /// The next page of a cursor walk: none when `has_more` is false, else the page at
    /// `cursor`, fetched with `state(cursor)`. More pages without a (non-empty) cursor
    /// cannot be fetched, and ends the walk with [`PagingProblem::MissingCursor`].
    pub fn cursor(has_more: bool, cursor: Option<String>, state: impl FnOnce(String) -> S) -> Self {
        match cursor {
            _ if !has_more => Next(NextPage::End),
            Some(cursor) if !cursor.is_empty() => Next(NextPage::Cursor {
                state: state(cursor.clone()),
                cursor,
            }),
            _ => Next(NextPage::Broken(PagingProblem::MissingCursor)),
        }
    }

    /// The next page of an offset walk, at `next`, fetched with `state(next)`. An offset
    /// that does not move past `start` (a float too large to grow, an integer at its
    /// maximum) would fetch the same page forever, and ends the walk with
    /// [`PagingProblem::OffsetStalled`].
    pub fn offset<O: PartialOrd>(start: O, next: O, state: impl FnOnce(O) -> S) -> Self {
        if next > start {
            Next(NextPage::Offset { state: state(next) })
        } else {
            Next(NextPage::Broken(PagingProblem::OffsetStalled))
        }
    }
}

/// Why a paging stream stopped early: the server's paging would never end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The server returned a cursor it had returned for an earlier page.
    RepeatedCursor,
    /// The server said there are more pages but returned no cursor for them.
    MissingCursor,
    /// The next offset would not move past the current one.
    OffsetStalled,
}

impl Display for PagingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PagingProblem::RepeatedCursor => "the server repeated an earlier cursor",
            PagingProblem::MissingCursor => "the server claimed more pages but sent no cursor",
            PagingProblem::OffsetStalled => "the page offset did not advance",
        })
    }
}

/// Cursors a stream has been given, remembered as 64-bit hashes (a false repeat needs a
/// collision, about one in 10^10 for a million pages). Up to [`SeenCursors::EXACT`] are
/// kept, 8 bytes each; past that, a checkpoint moved at powers of two (Brent's cycle
/// detection) still catches a loop, after at most a few rounds of it, in constant memory.
#[derive(Default)]
pub(crate) struct SeenCursors {
    hasher: RandomState,
    pub(crate) seen: std::collections::HashSet<u64>,
    checkpoint: Option<u64>,
    since_checkpoint: u64,
    /// Steps before the checkpoint moves.
    power: u64,
}

impl SeenCursors {
    pub(crate) const EXACT: usize = 1 << 16;

    /// Records `cursor`; false when it was seen before.
    pub(crate) fn insert(&mut self, cursor: &str) -> bool {
        let mut h = self.hasher.build_hasher();
        h.write(cursor.as_bytes());
        let hash = h.finish();
        if self.seen.contains(&hash) || self.checkpoint == Some(hash) {
            return false;
        }
        if self.seen.len() < Self::EXACT {
            self.seen.insert(hash);
            return true;
        }
        self.since_checkpoint += 1;
        if self.checkpoint.is_none() || self.since_checkpoint >= self.power {
            self.checkpoint = Some(hash);
            self.since_checkpoint = 0;
            self.power = (self.power * 2).max(1);
        }
        true
    }
}

enum PageState<S, Fut, E> {
    /// The next page is known but not requested yet.
    Next(S),
    /// A page request is in flight.
    Fetching(Pin<Box<Fut>>),
    /// The server's paging broke a rule; yielded once the page's items are out.
    Broken(Error<E>),
    /// No more pages, or an error was yielded.
    Done,
}

struct Pages<S, T, E, F, Fut> {
    fetch: F,
    state: PageState<S, Fut, E>,
    /// Items of the current page not yet yielded.
    items: std::vec::IntoIter<T>,
    /// Pages received so far.
    pages: u64,
    cursors: SeenCursors,
}

// The in-flight future is boxed and pinned on its own, and no field is ever
// pinned in place, so moving `Pages` is always fine.
impl<S, T, E, F, Fut> Unpin for Pages<S, T, E, F, Fut> {}

impl<S, T, E, F, Fut> futures_core::Stream for Pages<S, T, E, F, Fut>
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Next<S>), Error<E>>>,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, PageState::Done) {
                PageState::Next(state) => {
                    this.state = PageState::Fetching(Box::pin((this.fetch)(state)));
                }
                PageState::Fetching(mut page) => match page.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = PageState::Fetching(page);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok((items, Next(next)))) => {
                        this.items = items.into_iter();
                        this.pages += 1;
                        let broken = |reason| {
                            PageState::Broken(Error::Paging {
                                page: this.pages,
                                reason,
                            })
                        };
                        this.state = match next {
                            NextPage::End => PageState::Done,
                            NextPage::Offset { state } => PageState::Next(state),
                            NextPage::Cursor { state, cursor } => {
                                if this.cursors.insert(&cursor) {
                                    PageState::Next(state)
                                } else {
                                    broken(PagingProblem::RepeatedCursor)
                                }
                            }
                            NextPage::Broken(reason) => broken(reason),
                        };
                    }
                    // State stays Done: the error is yielded once, then the stream ends.
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                },
                PageState::Broken(e) => return Poll::Ready(Some(Err(e))),
                PageState::Done => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            PageState::Done => (self.items.len(), Some(self.items.len())),
            _ => (self.items.len(), None),
        }
    }
}
