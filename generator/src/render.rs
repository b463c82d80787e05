//! Render: formats emitted tokens with `prettyplease`, so the bytes depend on this crate's
//! dependency versions only, never on an installed rustfmt. Consumes files given as
//! (path, pieces that build tokens) and a finishing step the caller gives, run on each
//! parsed piece before it is printed (emission's rewrite of its own output, without a second
//! parse); produces (path, text). Knows nothing of the IR or of emission: its input types
//! are its own, and emission's pieces and step are of those types.

use proc_macro2::TokenStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A step run on each parsed piece before it is printed, given the file's path.
pub type Finish = fn(&str, &mut syn::File);

/// Formats one piece of a Rust file. A parse failure is a bug in emission, reported with
/// the file name.
pub fn render_rust(path: &str, tokens: TokenStream, finish: Finish) -> Result<String, String> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: emitted `{path}` is not valid Rust: {e}"))?;
    finish(path, &mut file);
    Ok(prettyplease::unparse(&file))
}

/// Stack of each rendering thread. Parsing and printing recurse once per level of a type
/// (`Vec<Vec<...>>` from `items` nested a hundred deep), which in a debug build needs far
/// more than the 2 MiB a thread gets by default. Reserved, not used, until needed.
const RENDER_STACK: usize = 64 << 20;

/// A piece of a Rust file: builds its tokens when called. Pieces are built and formatted
/// on several threads, so they must be shareable.
pub type Piece<'a> = Box<dyn Fn() -> TokenStream + Send + Sync + 'a>;

/// Renders each file from its pieces, joined in order, each piece parsed, `finish`ed and
/// printed. A parse failure is a bug in emission, reported with the file name.
pub fn render_files(
    files: Vec<(String, Vec<Piece<'_>>)>,
    finish: Finish,
) -> Result<Vec<(String, String)>, String> {
    let pieces: Vec<(&str, &Piece<'_>)> = files
        .iter()
        .flat_map(|(path, list)| list.iter().map(move |p| (path.as_str(), p)))
        .collect();
    let mut texts = render_pieces(&pieces, finish)?.into_iter();
    Ok(files
        .iter()
        .map(|(path, list)| (path.clone(), texts.by_ref().take(list.len()).collect()))
        .collect())
}

/// Builds and formats every piece, on as many threads as the machine has, and returns the
/// texts in the order given, so the result does not depend on the thread count.
fn render_pieces(pieces: &[(&str, &Piece<'_>)], finish: Finish) -> Result<Vec<String>, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<String, String>>>> =
        Mutex::new((0..pieces.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(pieces.len())
        .max(1);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some((path, piece)) = pieces.get(i) else {
            break;
        };
        let rendered = render_rust(path, piece(), finish);
        if let Ok(mut r) = results.lock() {
            r[i] = Some(rendered);
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let spawned = std::thread::Builder::new()
                .stack_size(RENDER_STACK)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                work();
            }
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| "internal error: a rendering thread panicked".to_string())?;
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("internal error: a piece was not rendered".to_string())))
        .collect()
}
