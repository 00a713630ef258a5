//! The file table: WASI descriptor numbers → open descriptors, one table for the whole program.
//!
//! Every thread's store reaches the same [`FdTable`] (through `Arc<WasiCtx>`), so a file opened
//! by one thread is usable from every other, as with a native process's descriptor table.
//!
//! Locking: one `Mutex` guards the map and is held only to look up, insert or remove an entry,
//! never across I/O. A lookup clones the entry's `Arc`, then the lock is released and the call
//! does its (possibly blocking) I/O on that clone. So a thread blocked in `fd_read` on stdin
//! never stops another from opening, reading or closing files. A descriptor closed while
//! another thread is still inside a call on it stays open (the `Arc` keeps it) until that call
//! returns; the guest number is free at once, and the OS descriptor is never reused under the
//! running call. Entries removed from the map are dropped (closed) after the lock is released.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, MutexGuard};

use super::types::Errno;

/// One open descriptor.
pub(crate) enum Descriptor {
    /// The host's standard input (read with `read(2)` on fd 0, bypassing std's buffer).
    Stdin { tty: bool },
    /// The host's standard output (written with `write(2)` on fd 1, unbuffered).
    Stdout { tty: bool },
    /// The host's standard error (fd 2).
    Stderr { tty: bool },
    /// A regular file, FIFO, device or socket opened through `path_open`.
    File(cap_std::fs::File),
    /// A directory: a preopen (`--dir`), or one opened through `path_open`.
    Dir {
        dir: cap_std::fs::Dir,
        /// The guest path of a preopen; `None` for a directory opened with `path_open`.
        preopen: Option<String>,
    },
}

/// The table shared by all threads.
pub(crate) struct FdTable {
    slots: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    used: BTreeMap<u32, Arc<Descriptor>>,
    /// Numbers that were used and are free again. With `used` they cover `0..=N` (N the largest
    /// number ever handed out), so the first of them is the lowest free number, which is what
    /// `push` hands out, as POSIX `open` does.
    free: BTreeSet<u32>,
}

impl Slots {
    fn insert(&mut self, desc: Arc<Descriptor>) -> Result<u32, Errno> {
        let fd = match self.free.pop_first() {
            Some(fd) => fd,
            None => match self.used.last_key_value() {
                None => 0,
                Some((&last, _)) => last.checked_add(1).ok_or(Errno::Nfile)?,
            },
        };
        self.used.insert(fd, desc);
        Ok(fd)
    }

    fn remove(&mut self, fd: u32) -> Option<Arc<Descriptor>> {
        let desc = self.used.remove(&fd)?;
        self.free.insert(fd);
        Some(desc)
    }
}

impl FdTable {
    /// A table holding stdin, stdout and stderr (0, 1, 2), then `preopens` (3, 4, ...).
    pub(crate) fn new(preopens: Vec<(cap_std::fs::Dir, String)>) -> FdTable {
        let mut slots = Slots::default();
        let stdio = [
            Descriptor::Stdin {
                tty: std::io::stdin().is_terminal(),
            },
            Descriptor::Stdout {
                tty: std::io::stdout().is_terminal(),
            },
            Descriptor::Stderr {
                tty: std::io::stderr().is_terminal(),
            },
        ];
        for desc in stdio {
            slots
                .insert(Arc::new(desc))
                .expect("an empty table has room");
        }
        for (dir, guest) in preopens {
            slots
                .insert(Arc::new(Descriptor::Dir {
                    dir,
                    preopen: Some(guest),
                }))
                .expect("a new table has room");
        }
        FdTable {
            slots: Mutex::new(slots),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // The host never panics while holding the lock; recover the table if it ever did.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The descriptor numbered `fd`, or `BADF`.
    pub(crate) fn get(&self, fd: u32) -> Result<Arc<Descriptor>, Errno> {
        self.lock().used.get(&fd).cloned().ok_or(Errno::Badf)
    }

    /// Adds `desc` under the lowest free number.
    pub(crate) fn push(&self, desc: Descriptor) -> Result<u32, Errno> {
        self.lock().insert(Arc::new(desc))
    }

    /// Removes `fd`; the descriptor closes once no call is using it any more.
    pub(crate) fn close(&self, fd: u32) -> Result<(), Errno> {
        let removed = self.lock().remove(fd).ok_or(Errno::Badf)?;
        drop(removed); // outside the lock: close(2) may take a while
        Ok(())
    }

    /// `fd_renumber`: atomically moves `from` onto `to`, closing what `to` held.
    pub(crate) fn renumber(&self, from: u32, to: u32) -> Result<(), Errno> {
        let replaced = {
            let mut slots = self.lock();
            if !slots.used.contains_key(&from) || !slots.used.contains_key(&to) {
                return Err(Errno::Badf);
            }
            if from == to {
                return Ok(());
            }
            let desc = slots.remove(from).expect("checked above");
            slots.used.insert(to, desc)
        };
        drop(replaced);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stdin() -> Descriptor {
        Descriptor::Stdin { tty: false }
    }

    #[test]
    fn numbers_are_reused_lowest_first() {
        let table = FdTable::new(Vec::new());
        assert_eq!(table.push(stdin()), Ok(3));
        assert_eq!(table.push(stdin()), Ok(4));
        assert_eq!(table.push(stdin()), Ok(5));
        table.close(4).unwrap();
        table.close(3).unwrap();
        assert_eq!(table.push(stdin()), Ok(3));
        assert_eq!(table.push(stdin()), Ok(4));
        assert_eq!(table.push(stdin()), Ok(6));
        assert_eq!(table.close(7), Err(Errno::Badf));
    }

    #[test]
    fn closing_the_last_numbers_keeps_lowest_first() {
        let table = FdTable::new(Vec::new());
        for _ in 0..3 {
            table.push(stdin()).unwrap();
        }
        table.close(4).unwrap();
        table.close(5).unwrap();
        table.close(3).unwrap();
        assert_eq!(table.push(stdin()), Ok(3));
        assert_eq!(table.push(stdin()), Ok(4));
    }

    #[test]
    fn renumber_moves_and_frees() {
        let table = FdTable::new(Vec::new());
        let a = table.push(stdin()).unwrap();
        let b = table.push(stdin()).unwrap();
        let before = table.get(a).unwrap();
        table.renumber(a, b).unwrap();
        assert!(Arc::ptr_eq(&before, &table.get(b).unwrap()));
        assert_eq!(table.get(a).err(), Some(Errno::Badf));
        assert_eq!(table.renumber(a, b), Err(Errno::Badf));
        assert_eq!(table.renumber(b, b), Ok(()));
        assert_eq!(table.push(stdin()), Ok(a));
    }

    #[test]
    fn a_closed_descriptor_lives_while_in_use() {
        let table = FdTable::new(Vec::new());
        let fd = table.push(stdin()).unwrap();
        let in_use = table.get(fd).unwrap();
        table.close(fd).unwrap();
        assert_eq!(Arc::strong_count(&in_use), 1);
        assert_eq!(table.get(fd).err(), Some(Errno::Badf));
    }
}
