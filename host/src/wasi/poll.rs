//! `poll_oneoff`: wait for clocks and descriptors, blocking only the calling thread.
//!
//! The descriptors are looked up first (the table lock is released at once); then the thread
//! sleeps, or waits in poll(2) with the earliest clock deadline as its timeout. Nothing shared
//! is locked while it waits, so other threads run, open, read and close files meanwhile.

use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::time::Duration;

use cap_std::time::Instant;
use rustix::event::{PollFd, PollFlags};
use wiggle::{GuestMemory, GuestPtr};

use super::table::Descriptor;
use super::types::{self, Errno, Error};
use super::WasiCtx;

type Result<T, E = Error> = std::result::Result<T, E>;

/// What one subscription waits for.
enum Wait {
    /// A clock; `None` when its deadline is too far away to represent (never fires).
    Clock(Option<Instant>),
    /// A descriptor becoming readable (`read`) or writable.
    Fd { desc: Arc<Descriptor>, read: bool },
}

fn fd_of(desc: &Descriptor) -> BorrowedFd<'_> {
    match desc {
        Descriptor::Stdin { .. } => rustix::stdio::stdin(),
        Descriptor::Stdout { .. } => rustix::stdio::stdout(),
        Descriptor::Stderr { .. } => rustix::stdio::stderr(),
        Descriptor::File(f) => f.as_fd(),
        Descriptor::Dir { dir, .. } => dir.as_fd(),
    }
}

pub(super) fn poll_oneoff(
    ctx: &WasiCtx,
    memory: &mut GuestMemory<'_>,
    subs: GuestPtr<types::Subscription>,
    events: GuestPtr<types::Event>,
    nsubscriptions: types::Size,
) -> Result<types::Size> {
    // Waiting on nothing would never return: preview 1 makes that an error.
    if nsubscriptions == 0 {
        return Err(Errno::Inval.into());
    }
    let clocks = &ctx.clocks;
    let start = clocks.monotonic.now();
    let mut waits = Vec::with_capacity(nsubscriptions as usize);
    for sub in subs.as_array(nsubscriptions).iter() {
        let sub = memory.read(sub?)?;
        let wait = match sub.u {
            types::SubscriptionU::Clock(c) => {
                let absolute = c
                    .flags
                    .contains(types::Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME);
                let from_start = |ns: u64| start.checked_add(Duration::from_nanos(ns));
                Wait::Clock(match (c.id, absolute) {
                    (types::Clockid::Monotonic | types::Clockid::Realtime, false) => {
                        from_start(c.timeout)
                    }
                    (types::Clockid::Monotonic, true) => {
                        clocks.epoch.checked_add(Duration::from_nanos(c.timeout))
                    }
                    (types::Clockid::Realtime, true) => {
                        let now = clocks
                            .system
                            .now()
                            .duration_since(cap_std::time::SystemClock::UNIX_EPOCH)
                            .map_err(|_| Errno::Overflow)?;
                        let now = u64::try_from(now.as_nanos()).map_err(|_| Errno::Overflow)?;
                        from_start(c.timeout.saturating_sub(now))
                    }
                    _ => return Err(Errno::Inval.into()),
                })
            }
            types::SubscriptionU::FdRead(s) => {
                let desc = ctx.table.get(u32::from(s.file_descriptor))?;
                match &*desc {
                    Descriptor::Stdin { .. } | Descriptor::File(_) => {}
                    _ => return Err(Errno::Badf.into()),
                }
                Wait::Fd { desc, read: true }
            }
            types::SubscriptionU::FdWrite(s) => {
                let desc = ctx.table.get(u32::from(s.file_descriptor))?;
                match &*desc {
                    Descriptor::Stdout { .. } | Descriptor::Stderr { .. } | Descriptor::File(_) => {
                    }
                    _ => return Err(Errno::Badf.into()),
                }
                Wait::Fd { desc, read: false }
            }
        };
        waits.push((sub.userdata, wait));
    }

    let deadline = waits
        .iter()
        .filter_map(|(_, w)| match w {
            Wait::Clock(d) => *d,
            Wait::Fd { .. } => None,
        })
        .min();
    let has_fds = waits.iter().any(|(_, w)| matches!(w, Wait::Fd { .. }));

    loop {
        let mut fired: Vec<types::Event> = Vec::new();
        if has_fds {
            let mut fds: Vec<PollFd<'_>> = Vec::new();
            let mut owner = Vec::new();
            for (i, (_, w)) in waits.iter().enumerate() {
                if let Wait::Fd { desc, read } = w {
                    let want = if *read { PollFlags::IN } else { PollFlags::OUT };
                    fds.push(PollFd::from_borrowed_fd(fd_of(desc), want));
                    owner.push(i);
                }
            }
            let timeout = deadline.map(|d| {
                let left = d.saturating_duration_since(clocks.monotonic.now());
                rustix::event::Timespec {
                    tv_sec: left.as_secs().min(i64::MAX as u64) as i64,
                    tv_nsec: left.subsec_nanos().into(),
                }
            });
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
            for (pfd, &i) in fds.iter().zip(&owner) {
                let revents = pfd.revents();
                if revents.is_empty() {
                    continue;
                }
                let (userdata, Wait::Fd { desc, read }) = &waits[i] else {
                    unreachable!("owner indexes descriptor subscriptions");
                };
                fired.push(fd_event(*userdata, desc, *read, revents));
            }
        } else {
            match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(clocks.monotonic.now());
                    if !left.is_zero() {
                        std::thread::sleep(left);
                    }
                }
                // Only clocks too far away to fire: the guest asked to sleep forever.
                None => std::thread::park(),
            }
        }
        let now = clocks.monotonic.now();
        for (userdata, w) in &waits {
            if let Wait::Clock(Some(d)) = w {
                if *d <= now {
                    fired.push(types::Event {
                        userdata: *userdata,
                        error: Errno::Success,
                        type_: types::Eventtype::Clock,
                        fd_readwrite: types::EventFdReadwrite {
                            nbytes: 0,
                            flags: types::Eventrwflags::empty(),
                        },
                    });
                }
            }
        }
        if fired.is_empty() {
            // Woken early (a signal, a spurious wake-up): wait again.
            continue;
        }
        let n = u32::try_from(fired.len())?;
        for (event, slot) in fired.into_iter().zip(events.as_array(n).iter()) {
            memory.write(slot?, event)?;
        }
        return Ok(n);
    }
}

fn fd_event(
    userdata: types::Userdata,
    desc: &Descriptor,
    read: bool,
    revents: PollFlags,
) -> types::Event {
    let mut flags = types::Eventrwflags::empty();
    if revents.contains(PollFlags::HUP) {
        flags |= types::Eventrwflags::FD_READWRITE_HANGUP;
    }
    let mut error = Errno::Success;
    if revents.intersects(PollFlags::ERR | PollFlags::NVAL)
        && !revents.intersects(PollFlags::IN | PollFlags::OUT)
    {
        error = Errno::Io;
    }
    // Bytes ready: what is left of a regular file for a read; otherwise unknown, at least 1.
    let mut nbytes = 1;
    if let (true, Descriptor::File(f)) = (read, desc) {
        if let (Ok(meta), Ok(pos)) = (
            f.metadata(),
            rustix::fs::seek(f, rustix::fs::SeekFrom::Current(0)),
        ) {
            if meta.is_file() {
                nbytes = meta.len().saturating_sub(pos);
                if nbytes == 0 {
                    flags |= types::Eventrwflags::FD_READWRITE_HANGUP;
                }
            }
        }
    }
    types::Event {
        userdata,
        error,
        type_: if read {
            types::Eventtype::FdRead
        } else {
            types::Eventtype::FdWrite
        },
        fd_readwrite: types::EventFdReadwrite { nbytes, flags },
    }
}
