//! Reading a whole task list page after page, as a fleet does to reconcile and to follow its tasks: which
//! page to ask next, when the list is complete, and when a server's pages cannot make one list (a bounded
//! reading, never a silent truncation). The caller sends the requests; everything decided here is tested
//! natively.

use crate::error::{ErrorKind, Failure};
use crate::model::{TaskEntry, TaskList};
use std::collections::BTreeSet;

/// Page size: KPS's own default `limit` (the API documents no maximum), so that a list is usually one
/// request, and tasks that finish while it is read rarely shift it between pages.
pub const PAGE_SIZE: u32 = 1000;

/// Most pages one reading asks for: 100,000 tasks. A fleet needs only its own servers' tasks (at most 1000
/// servers, one unbind each at a time), but a list holds the whole project's, failed ones until deleted; the
/// cap leaves room for a hundred times a fleet, and bounds one reading to 100 requests (each within
/// `timeoutMs`) and some 30 MB of answers. A longer list is unreadable, never cut short.
pub const MAX_PAGES: u32 = 100;

/// One reading of the `running-tasks` or `failed-tasks` list.
pub struct ListReading<'a> {
    which: &'a str,
    tasks: Vec<TaskEntry>,
    seen: BTreeSet<String>,
    /// Entries received, repeats included: the next page's offset.
    received: u32,
    pages: u32,
    /// When the whole reading must be over, if it has a deadline ([`ListReading::within`]).
    deadline_ms: Option<f64>,
}

impl<'a> ListReading<'a> {
    /// A reading of list `which` (its path segment, named in failures), before its first page.
    pub fn new(which: &'a str) -> ListReading<'a> {
        ListReading {
            which,
            tasks: Vec::new(),
            seen: BTreeSet::new(),
            received: 0,
            pages: 0,
            deadline_ms: None,
        }
    }

    /// This reading, over by `deadline_ms` in all, pages included: for an aborted fleet, whose report must
    /// come within a few `timeoutMs` (unaborted, each page has its `timeoutMs` and waits for its turn at the
    /// gateway's pace, which no wall-clock budget could foresee).
    pub fn within(mut self, deadline_ms: f64) -> ListReading<'a> {
        self.deadline_ms = Some(deadline_ms);
        self
    }

    /// The `timeoutMs` of the next page at `now_ms`: `timeout_ms`, or what is left before the deadline; a
    /// `TIMEOUT` failure when nothing is.
    pub fn page_timeout(&self, now_ms: f64, timeout_ms: u32) -> Result<u32, Failure> {
        let Some(deadline_ms) = self.deadline_ms else {
            return Ok(timeout_ms);
        };
        let left = deadline_ms - now_ms;
        if left < 1.0 {
            return Err(self.out_of_time());
        }
        Ok((left as u32).min(timeout_ms))
    }

    /// What a page that failed with `failure` at `now_ms` makes of the reading: past the deadline, a timeout
    /// is the reading's (a page's own timeout then names only what was left of it).
    pub fn page_failed(&self, failure: Failure, now_ms: f64) -> Failure {
        match self.deadline_ms {
            Some(deadline_ms)
                if failure.kind == ErrorKind::Timeout && now_ms >= deadline_ms - 1.0 =>
            {
                self.out_of_time()
            }
            _ => failure,
        }
    }

    fn out_of_time(&self) -> Failure {
        Failure::local(
            ErrorKind::Timeout,
            format!(
                "the {} list was not read whole in time after the fleet's abort (pages read: {})",
                self.which, self.pages
            ),
        )
    }

    /// The `offset` of the next page to ask for (`limit` is [`PAGE_SIZE`]).
    pub fn offset(&self) -> u32 {
        self.received
    }

    /// Takes the next page: `Ok(true)` when the list is complete (a short page, or `total` reached), `Ok(false)`
    /// when another page is needed, and an `INVALID_RESPONSE` failure when the pages cannot make a list that
    /// fits the bound: a `total` beyond [`MAX_PAGES`] pages, a full page of tasks all seen on earlier pages (the
    /// server ignores `offset`), or [`MAX_PAGES`] full pages without reaching `total`. A task listed on two
    /// pages (tasks that finished meanwhile shifted the list) is kept once.
    pub fn add(&mut self, page: TaskList) -> Result<bool, Failure> {
        self.pages += 1;
        let size = page.tasks.len();
        let mut new = 0;
        for task in page.tasks {
            if self.seen.insert(task.task_id.clone()) {
                self.tasks.push(task);
                new += 1;
            }
        }
        self.received = self
            .received
            .saturating_add(u32::try_from(size).unwrap_or(u32::MAX));
        // Before `total` is trusted: a server that ignores `offset` repeats its full first page, and with a
        // `total` under two pages that repeat would otherwise read as the list's end.
        if size >= PAGE_SIZE as usize && new == 0 {
            return Err(self.unreadable(format!(
                "page {} (offset {}) repeats tasks of earlier pages only",
                self.pages,
                self.received - PAGE_SIZE
            )));
        }
        if size < PAGE_SIZE as usize || f64::from(self.received) >= page.total {
            return Ok(true);
        }
        let most = f64::from(MAX_PAGES * PAGE_SIZE);
        if page.total > most {
            return Err(self.unreadable(format!(
                "it counts {} tasks, more than the {most} a fleet reads",
                page.total
            )));
        }
        if self.pages >= MAX_PAGES {
            return Err(self.unreadable(format!(
                "{MAX_PAGES} full pages did not reach its total of {}",
                page.total
            )));
        }
        Ok(false)
    }

    /// The tasks read, each once, in the order listed.
    pub fn into_tasks(self) -> Vec<TaskEntry> {
        self.tasks
    }

    fn unreadable(&self, why: String) -> Failure {
        Failure::local(
            ErrorKind::Response,
            format!("the {} list cannot be read whole: {why}", self.which),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(task_id: String) -> TaskEntry {
        TaskEntry {
            task_id,
            operate_type: "UNBIND".to_owned(),
            task_time: 0.0,
            server_name: String::new(),
            server_id: String::new(),
            keypair_name: String::new(),
            task_error_code: None,
            task_error_message: None,
        }
    }

    /// A page of `count` tasks numbered from `first`, saying the list has `total`.
    fn page(first: u32, count: u32, total: f64) -> TaskList {
        TaskList {
            total,
            tasks: (first..first + count)
                .map(|n| entry(format!("t-{n}")))
                .collect(),
        }
    }

    fn failure_of(pages: impl IntoIterator<Item = TaskList>) -> Failure {
        let mut reading = ListReading::new("running-tasks");
        for page in pages {
            match reading.add(page) {
                Ok(false) => {}
                Ok(true) => panic!("the list was taken as complete"),
                Err(failure) => return failure,
            }
        }
        panic!("the reading asked for more pages than given")
    }

    #[test]
    fn a_short_first_page_is_the_whole_list_in_one_request() {
        let mut reading = ListReading::new("failed-tasks");
        assert_eq!(reading.offset(), 0);
        assert_eq!(reading.add(page(0, 3, 3.0)), Ok(true));
        assert_eq!(reading.into_tasks().len(), 3);
    }

    #[test]
    fn full_pages_are_read_at_growing_offsets_until_the_total_is_reached() {
        let mut reading = ListReading::new("running-tasks");
        for n in 0..2 {
            assert_eq!(reading.offset(), n * PAGE_SIZE);
            assert_eq!(
                reading.add(page(n * PAGE_SIZE, PAGE_SIZE, 2500.0)),
                Ok(false)
            );
        }
        assert_eq!(reading.offset(), 2 * PAGE_SIZE);
        assert_eq!(reading.add(page(2000, 500, 2500.0)), Ok(true));
        assert_eq!(reading.into_tasks().len(), 2500);
    }

    #[test]
    fn a_full_page_that_reaches_the_total_ends_the_list_without_asking_an_empty_page() {
        let mut reading = ListReading::new("running-tasks");
        assert_eq!(reading.add(page(0, PAGE_SIZE, 1000.0)), Ok(true));
    }

    #[test]
    fn a_task_shifted_onto_the_next_page_is_kept_once() {
        let mut reading = ListReading::new("running-tasks");
        assert_eq!(reading.add(page(0, PAGE_SIZE, 1500.0)), Ok(false));
        assert_eq!(reading.add(page(999, 10, 1500.0)), Ok(true));
        let tasks = reading.into_tasks();
        assert_eq!(tasks.len(), 1009);
        assert_eq!(
            tasks.last().map(|task| task.task_id.as_str()),
            Some("t-1008")
        );
    }

    #[test]
    fn a_huge_total_with_full_pages_is_unreadable_at_the_first_page() {
        let failure = failure_of([page(0, PAGE_SIZE, 1e9)]);
        assert_eq!(failure.kind, ErrorKind::Response);
        assert_eq!(failure.code, "INVALID_RESPONSE");
        assert_eq!(
            failure.message,
            "the running-tasks list cannot be read whole: it counts 1000000000 tasks, more than the 100000 a \
             fleet reads"
        );
    }

    #[test]
    fn a_server_that_repeats_the_same_full_page_is_unreadable_at_the_second() {
        let failure = failure_of([page(0, PAGE_SIZE, 5000.0), page(0, PAGE_SIZE, 5000.0)]);
        assert_eq!(failure.kind, ErrorKind::Response);
        assert!(
            failure
                .message
                .ends_with("page 2 (offset 1000) repeats tasks of earlier pages only"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_repeated_full_page_is_unreadable_even_when_its_count_reaches_a_small_total() {
        let failure = failure_of([page(0, PAGE_SIZE, 1500.0), page(0, PAGE_SIZE, 1500.0)]);
        assert_eq!(failure.code, "INVALID_RESPONSE");
        assert!(
            failure
                .message
                .ends_with("repeats tasks of earlier pages only"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn full_pages_that_never_reach_a_total_stop_after_the_most_pages() {
        let pages = (0..MAX_PAGES).map(|n| page(n * PAGE_SIZE, PAGE_SIZE, f64::NAN));
        let failure = failure_of(pages);
        assert!(
            failure
                .message
                .ends_with("100 full pages did not reach its total of NaN"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_reading_with_a_deadline_gives_each_page_what_is_left_and_none_past_it() {
        let mut reading = ListReading::new("failed-tasks").within(2500.0);
        assert_eq!(reading.page_timeout(0.0, 2000), Ok(2000));
        assert_eq!(reading.add(page(0, PAGE_SIZE, 5000.0)), Ok(false));
        assert_eq!(reading.page_timeout(1000.0, 2000), Ok(1500));
        let failure = reading.page_timeout(2500.0, 2000).unwrap_err();
        assert_eq!(failure.kind, ErrorKind::Timeout);
        assert_eq!(
            failure.message,
            "the failed-tasks list was not read whole in time after the fleet's abort (pages read: 1)"
        );
        let page_timed_out =
            Failure::local(ErrorKind::Timeout, "no complete response within 1500 ms");
        assert_eq!(reading.page_failed(page_timed_out.clone(), 2500.0), failure);
        assert_eq!(
            reading.page_failed(page_timed_out.clone(), 2000.0),
            page_timed_out
        );
        let unbounded = ListReading::new("failed-tasks");
        assert_eq!(unbounded.page_timeout(1e12, 2000), Ok(2000));
    }

    #[test]
    fn a_page_may_have_the_last_millisecond_before_the_deadline_and_its_timeout_is_the_reading_s() {
        let reading = ListReading::new("failed-tasks").within(2500.0);
        assert_eq!(reading.page_timeout(2499.0, 2000), Ok(1));
        assert_eq!(
            reading.page_timeout(2499.5, 2000).map_err(|f| f.kind),
            Err(ErrorKind::Timeout)
        );
        // Sent at 2 498.5 with the 1 ms left: it times out at 2 499.5, and so does the reading.
        let page_timed_out = Failure::local(ErrorKind::Timeout, "no complete response within 1 ms");
        assert_eq!(
            reading.page_failed(page_timed_out, 2499.5).message,
            "the failed-tasks list was not read whole in time after the fleet's abort (pages read: 0)"
        );
    }

    #[test]
    fn an_empty_page_after_full_ones_ends_the_list_that_shrank_meanwhile() {
        let mut reading = ListReading::new("running-tasks");
        assert_eq!(reading.add(page(0, PAGE_SIZE, 2500.0)), Ok(false));
        assert_eq!(reading.add(page(PAGE_SIZE, 0, 2500.0)), Ok(true));
        assert_eq!(reading.into_tasks().len(), PAGE_SIZE as usize);
    }

    #[test]
    fn the_largest_readable_list_is_read_whole() {
        let most = MAX_PAGES * PAGE_SIZE;
        let mut reading = ListReading::new("failed-tasks");
        for n in 0..MAX_PAGES - 1 {
            assert_eq!(
                reading.add(page(n * PAGE_SIZE, PAGE_SIZE, f64::from(most))),
                Ok(false)
            );
        }
        assert_eq!(
            reading.add(page(most - PAGE_SIZE, PAGE_SIZE, f64::from(most))),
            Ok(true)
        );
        assert_eq!(reading.into_tasks().len(), most as usize);
    }
}
