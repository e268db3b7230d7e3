//! No page may hang forever, whatever the cause: a server-rendered page either completes within
//! its deadline or is cut off — a 503 when nothing was sent yet, else the connection ends
//! mid-body so the browser cannot mistake the page for complete. Each cut-off is logged with
//! the route and the parts still waiting for data (`app::shell::pending_parts`) and counted
//! for operators (`pages_cut_off` in `/healthz`). A page's tasks end with its response
//! (`page_tasks`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::shell::page_render::PageRender;
use app::shell::pending_parts::PendingParts;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::StreamExt;
use tokio::time::Instant;

use crate::page_admission::{busy, Admitted, PageAdmission};
use crate::page_tasks::PageTasks;

/// How long a page may take, and how many may be in memory at once (`page_admission`).
#[derive(Clone, Copy, Debug)]
pub struct PageLimits {
    pub deadline: Duration,
    pub max_in_flight: usize,
}

#[derive(Clone)]
pub struct PageDeadline {
    pub limit: Duration,
    pub cut_off: Arc<AtomicU64>,
    pub admission: PageAdmission,
}

impl PageDeadline {
    pub fn new(limits: PageLimits) -> PageDeadline {
        PageDeadline { limit: limits.deadline, cut_off: Arc::default(), admission: PageAdmission::new(limits.max_in_flight) }
    }

    pub fn pages_cut_off(&self) -> u64 {
        self.cut_off.load(Ordering::Relaxed)
    }
}

pub async fn enforce(State(deadline): State<PageDeadline>, mut request: Request, next: Next) -> Response {
    if !renders_a_page(&request) {
        return next.run(request).await;
    }
    let Some(admitted) = deadline.admission.admit() else {
        return busy();
    };
    let parts = PendingParts::default();
    request.extensions_mut().insert(parts.clone());
    let page_render = PageRender::default();
    request.extensions_mut().insert(page_render.clone());
    let route = request.uri().path().to_string();
    let until = Instant::now() + deadline.limit;
    let cut_off = CutOff { route, parts, counter: deadline.cut_off.clone(), limit: deadline.limit };
    let tasks = PageTasks::new();

    let mut rendering = Rendering {
        render: Box::pin(tasks.scope(next.run(request))),
        end: Some(PageEnd {
            tasks: tasks.clone(),
            render: page_render,
            until,
            how: Ending::Cancelled,
            view: None,
            admitted: Some(admitted),
        }),
    };
    let response = tokio::select! {
        response = rendering.render.as_mut() => response,
        _ = tokio::time::sleep_until(until) => {
            // Reported while the render still exists, so its waiting parts can be named.
            cut_off.report("before the first byte");
            if let Some(end) = rendering.end.as_mut() {
                end.how = Ending::CutOff;
            }
            drop(rendering);
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::RETRY_AFTER, "5")],
                "This page took too long to prepare and was stopped. Please try again in a moment.",
            )
                .into_response();
        }
    };
    let Some(mut end) = rendering.end.take() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_html {
        // A file, the sitemap, a feed or an export: ready once its headers are, and a slow
        // reader of a large one must not hold a page's place.
        end.admitted = None;
    }
    let (parts, body) = response.into_parts();
    let deadline = is_html.then(|| (Box::pin(tokio::time::sleep_until(until)), cut_off));
    Response::from_parts(parts, Body::from_stream(PageBody { end, chunks: Some(body.into_data_stream()), deadline, tasks, ended: false }))
}

/// GET pages; the API, server functions and the event streams (all under `/api/`, the streams
/// open by design), the client's files and the health probes (answered even when the server is
/// at its limit of pages) are not pages.
fn renders_a_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !matches!(path, "/healthz" | "/readyz")
}

struct CutOff {
    route: String,
    parts: PendingParts,
    counter: Arc<AtomicU64>,
    limit: Duration,
}

impl CutOff {
    fn report(&self, when: &str) {
        self.counter.fetch_add(1, Ordering::Relaxed);
        let waiting = self.parts.waiting();
        tracing::error!(
            route = %self.route,
            unresolved = ?waiting,
            deadline_seconds = self.limit.as_secs_f64(),
            "page cut off at its deadline {when}; the parts listed never received their data"
        );
    }
}

/// A page's body as it streams: polled as part of the page (what it spawns belongs to the
/// page), ended with an error — so the connection closes rather than the page looking
/// complete — when the deadline passes first, and ending the page's tasks when it ends or is
/// dropped (the browser went away).
struct PageBody {
    end: PageEnd,
    /// The page's view as it streams; handed to `end` when the body is dropped.
    chunks: Option<axum::body::BodyDataStream>,
    deadline: Option<(Pin<Box<tokio::time::Sleep>>, CutOff)>,
    tasks: PageTasks,
    ended: bool,
}

impl futures::Stream for PageBody {
    type Item = Result<axum::body::Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let tasks = this.tasks.clone();
        let Some(chunks) = this.chunks.as_mut() else { return Poll::Ready(None) };
        match tasks.enter(|| chunks.poll_next_unpin(context)) {
            Poll::Ready(None) => {
                this.ended = true;
                this.end.how = Ending::Completed;
                this.tasks.end();
                return Poll::Ready(None);
            }
            Poll::Ready(Some(chunk)) => return Poll::Ready(Some(chunk)),
            Poll::Pending => {}
        }
        if let Some((sleep, cut_off)) = &mut this.deadline {
            if sleep.as_mut().poll(context).is_ready() {
                cut_off.report("while streaming");
                this.ended = true;
                this.end.how = Ending::CutOff;
                this.tasks.end();
                let error = std::io::Error::new(std::io::ErrorKind::TimedOut, "page deadline passed");
                return Poll::Ready(Some(Err(axum::Error::new(error))));
            }
        }
        Poll::Pending
    }
}

/// Ends a page's tasks when dropped: when its body ends or is dropped, or when the browser
/// goes away before the body exists. A page the browser left mid-render first has its pending
/// data drained (its resources finish, within the page's deadline), because that data and the
/// page's resources otherwise keep each other in memory for good (`app::shell::page_render`).
struct PageEnd {
    tasks: PageTasks,
    render: PageRender,
    until: Instant,
    how: Ending,
    /// The page's view (its render, or its body as it streams), dropped only after the page's
    /// tasks have ended: page code running beside a teardown panicked ("use_resolved_path
    /// outside a <Router>", "already been disposed") or deadlocked in Leptos' owner locks.
    view: Option<Box<dyn Send>>,
    /// The page's place among those in memory, given back only once all of it has ended.
    admitted: Option<Admitted>,
}

#[derive(Clone, Copy, PartialEq)]
enum Ending {
    Completed,
    CutOff,
    Cancelled,
}

impl Drop for PageEnd {
    fn drop(&mut self) {
        let view = self.view.take();
        let runtime = tokio::runtime::Handle::try_current();
        match (self.how, view, runtime) {
            (Ending::Completed, view, _) | (_, view, Err(_)) => {
                self.tasks.end();
                // As page code: a view's futures can hold Leptos' error-hook guards, whose drop
                // sets the thread's hook (see `page_tasks::keep_error_hook`).
                self.tasks.enter(|| drop(view));
                if let Some(render) = self.render.weak() {
                    crate::ended_pages::remember(render);
                }
            }
            (how, view, Ok(runtime)) => {
                // A cancelled page's data is drained first (a cut-off page's never comes); its
                // effects stop, only its data has to arrive.
                let drain = match how {
                    Ending::Cancelled => self.render.context(),
                    _ => None,
                };
                if drain.is_some() {
                    self.render.pause();
                }
                let finish = crate::ended_pages::finish(self.tasks.clone(), self.render.clone(), drain, self.until, view);
                let place = Place { tasks: self.tasks.clone(), _admitted: self.admitted.take() };
                runtime.spawn(async move {
                    finish.await;
                    drop(place);
                });
            }
        }
    }
}

/// An ending page's place among those in memory: given back after the page's tasks have
/// ended, also when its ending panics.
struct Place {
    tasks: PageTasks,
    _admitted: Option<Admitted>,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.tasks.end();
    }
}

/// A page being rendered. Dropped before it is done (the browser went away), it hands the
/// render to the page's end, which keeps it until the page's tasks have ended.
struct Rendering {
    render: Pin<Box<dyn Future<Output = Response> + Send>>,
    end: Option<PageEnd>,
}

impl Drop for Rendering {
    fn drop(&mut self) {
        if let Some(mut end) = self.end.take() {
            let render = std::mem::replace(&mut self.render, Box::pin(std::future::pending()));
            end.view = Some(Box::new(render));
        }
    }
}

impl Drop for PageBody {
    fn drop(&mut self) {
        if let Some(chunks) = self.chunks.take() {
            self.end.view = Some(Box::new(chunks));
        }
    }
}
