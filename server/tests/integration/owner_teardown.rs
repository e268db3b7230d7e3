//! A page torn down on one worker while a task of that page, on another worker, is looking up
//! a context. reactive_graph 0.2.16 deadlocked that worker for good: the lookup held its own
//! owner's lock while it released the last handle to the page, and releasing it cleaned up the
//! page's children, the lookup's own owner among them (README, "Architecture"). The workspace
//! patches the crate (`.cargo/patches/reactive_graph-0.2.16.patch`); without the patch each
//! test here hangs and fails at its timeout.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use leptos::reactive::owner::{provide_context, update_context, use_context, with_context, Owner};

/// A context value whose lookup waits, inside the lookup, until the test has dropped the page.
struct Probe {
    rendezvous: Arc<Barrier>,
}

impl Probe {
    /// First meeting: the lookup has reached the value. Second: the page has been dropped.
    fn wait_for_teardown(&self) {
        self.rendezvous.wait();
        self.rendezvous.wait();
    }
}

impl Clone for Probe {
    fn clone(&self) -> Probe {
        self.wait_for_teardown();
        Probe { rendezvous: Arc::clone(&self.rendezvous) }
    }
}

/// Runs `lookup` inside a component of a page whose last handle is dropped, on another
/// thread, while `lookup` is reading the page's context; fails if `lookup` does not return.
fn lookup_survives_teardown(lookup: fn()) {
    let (finished, outcome) = mpsc::channel();
    thread::spawn(move || {
        let rendezvous = Arc::new(Barrier::new(2));
        let page = Owner::new();
        page.with(|| provide_context(Probe { rendezvous: Arc::clone(&rendezvous) }));
        let component = page.child();
        let worker = thread::spawn(move || component.with(lookup));
        rendezvous.wait();
        drop(page);
        rendezvous.wait();
        let _ = finished.send(worker.join().is_ok());
    });
    match outcome.recv_timeout(Duration::from_secs(10)) {
        Ok(returned) => assert!(returned, "the lookup panicked while the page was torn down"),
        Err(_) => panic!("the lookup never returned: its worker deadlocked on its own owner's lock"),
    }
}

#[test]
fn use_context_survives_the_page_being_torn_down_meanwhile() {
    lookup_survives_teardown(|| {
        assert!(use_context::<Probe>().is_some());
    });
}

#[test]
fn with_context_survives_the_page_being_torn_down_meanwhile() {
    lookup_survives_teardown(|| {
        assert_eq!(with_context::<Probe, _>(Probe::wait_for_teardown), Some(()));
    });
}

#[test]
fn update_context_survives_the_page_being_torn_down_meanwhile() {
    lookup_survives_teardown(|| {
        assert_eq!(update_context::<Probe, _>(|probe| probe.wait_for_teardown()), Some(()));
    });
}
