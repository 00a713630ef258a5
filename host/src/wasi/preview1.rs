//! The `wasi_snapshot_preview1` functions, on the shared [`WasiCtx`].
//!
//! Where preview 1 leaves a choice (which errno a descriptor of the wrong kind gets, the
//! rights a descriptor reports, what `fd_readdir` lists first), the answers are those of
//! wasmtime's own WASIp1 (`wasmtime-wasi`'s `p1` module), so that guests see the same results
//! as under `wasmtime run`. Unlike it, files use the OS descriptor's own offset (read(2),
//! write(2), lseek(2)), so threads sharing a descriptor share its offset as POSIX threads do.

// The trait's methods take the witx signatures' arguments (path_open has 9).
#![allow(clippy::too_many_arguments)]

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OsMetadataExt,
    SystemTimeSpec,
};
use cap_rand::TryRngCore;
use cap_std::fs::{Dir, File, Metadata, OpenOptions};
use cap_time_ext::{MonotonicClockExt, SystemClockExt};
use rustix::fs::OFlags;
use wiggle::{GuestMemory, GuestPtr};

use super::errors::Exit;
use super::table::Descriptor;
use super::types::{self, Errno, Error};
use super::{wasi_snapshot_preview1::WasiSnapshotPreview1, WasiView};

type Result<T, E = Error> = std::result::Result<T, E>;

/// Most bytes one read or write moves. Calls may transfer less than asked (POSIX semantics;
/// callers loop), which bounds the host buffer a call on shared memory needs.
pub(super) const MAX_TRANSFER: u32 = 1 << 20;

impl WasiView {
    fn get(&self, fd: types::Fd) -> Result<Arc<Descriptor>> {
        Ok(self.ctx.table.get(u32::from(fd))?)
    }

    /// A file or directory (not stdio): `BADF` otherwise.
    fn get_fs(&self, fd: types::Fd) -> Result<Arc<Descriptor>> {
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::File(_) | Descriptor::Dir { .. } => Ok(desc),
            _ => Err(Errno::Badf.into()),
        }
    }

    /// A directory to resolve paths under: `NOTDIR` for a file, `BADF` for stdio.
    fn get_dir(&self, fd: types::Fd) -> Result<Arc<Descriptor>> {
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::Dir { .. } => Ok(desc),
            Descriptor::File(_) => Err(Errno::Notdir.into()),
            _ => Err(Errno::Badf.into()),
        }
    }

    fn consume_fuel(&mut self, bytes: usize) -> Result<()> {
        self.fuel = self.fuel.checked_sub(bytes).ok_or(Errno::Nomem)?;
        Ok(())
    }

    /// Copies a path argument from the guest.
    fn path(&mut self, memory: &GuestMemory<'_>, path: GuestPtr<str>) -> Result<String> {
        self.consume_fuel(path.len() as usize)?;
        Ok(memory.as_cow_str(path)?.into_owned())
    }

    /// The bytes of `ciovs`, concatenated, at most [`MAX_TRANSFER`] of them (a writev is one
    /// write(2), so it stays atomic for pipes and `O_APPEND` files).
    fn gather(&mut self, memory: &GuestMemory<'_>, ciovs: types::CiovecArray) -> Result<Vec<u8>> {
        self.consume_fuel((ciovs.len() as usize).saturating_mul(8))?;
        let mut out = Vec::new();
        for iov in ciovs.iter() {
            let iov = memory.read(iov?)?;
            let room = MAX_TRANSFER as usize - out.len();
            let len = iov.buf_len.min(room as u32);
            if len == 0 {
                continue;
            }
            self.consume_fuel(len as usize)?;
            out.extend_from_slice(&memory.as_cow(iov.buf.as_array(len))?);
            if out.len() == MAX_TRANSFER as usize {
                break;
            }
        }
        Ok(out)
    }

    /// The first non-empty buffer of `iovs` (a read fills one buffer; callers loop).
    fn first_iovec(
        &mut self,
        memory: &GuestMemory<'_>,
        iovs: types::IovecArray,
    ) -> Result<GuestPtr<[u8]>> {
        self.consume_fuel((iovs.len() as usize).saturating_mul(8))?;
        for iov in iovs.iter() {
            let iov = memory.read(iov?)?;
            if iov.buf_len > 0 {
                return Ok(iov.buf.as_array(iov.buf_len.min(MAX_TRANSFER)));
            }
        }
        Ok(GuestPtr::new((0, 0)))
    }
}

/// Reads with `read` into guest buffer `buf`: directly when the memory is not shared, through
/// a host buffer when it is (another thread may be using the rest of the memory meanwhile).
fn read_into(
    memory: &mut GuestMemory<'_>,
    buf: GuestPtr<[u8]>,
    mut read: impl FnMut(&mut [u8]) -> std::io::Result<usize>,
) -> Result<types::Size> {
    if let Some(slice) = memory.as_slice_mut(buf)? {
        return Ok(retry(|| read(&mut *slice))?.try_into()?);
    }
    let mut host = vec![0; buf.len() as usize];
    let n = retry(|| read(&mut host))?;
    let n32 = u32::try_from(n)?;
    let dest = buf.get_range(0..n32).ok_or(Errno::Range)?;
    memory.copy_from_slice(&host[..n], dest)?;
    Ok(n32)
}

/// Runs `op` again while it fails with `EINTR` (a signal the host got, not the guest's).
fn retry<T>(mut op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Writes all of `data` to a stdio descriptor (stdout, stderr): unbuffered, so output is in
/// the order the guest wrote it whatever the host does afterwards (e.g. `exit`).
fn write_stdio(fd: BorrowedFd<'_>, mut data: &[u8]) -> Result<types::Size> {
    let total = data.len();
    while !data.is_empty() {
        match rustix::io::write(fd, data) {
            Ok(n) => data = &data[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(total.try_into()?)
}

fn std_fd(desc: &Descriptor) -> Option<BorrowedFd<'static>> {
    // The process's stdio descriptors 0, 1, 2 stay open for the host's lifetime (the guest
    // closing them only removes them from its table), hence `'static`.
    match desc {
        Descriptor::Stdin { .. } => Some(rustix::stdio::stdin()),
        Descriptor::Stdout { .. } => Some(rustix::stdio::stdout()),
        Descriptor::Stderr { .. } => Some(rustix::stdio::stderr()),
        _ => None,
    }
}

fn filetype(ty: cap_std::fs::FileType) -> types::Filetype {
    use cap_fs_ext::FileTypeExt;
    if ty.is_dir() {
        types::Filetype::Directory
    } else if ty.is_file() {
        types::Filetype::RegularFile
    } else if ty.is_symlink() {
        types::Filetype::SymbolicLink
    } else if ty.is_char_device() {
        types::Filetype::CharacterDevice
    } else if ty.is_block_device() {
        types::Filetype::BlockDevice
    } else if ty.is_socket() {
        types::Filetype::SocketStream
    } else {
        // FIFOs: preview 1 has no code for them.
        types::Filetype::Unknown
    }
}

fn stdio_filetype(tty: bool) -> types::Filetype {
    if tty {
        types::Filetype::CharacterDevice
    } else {
        types::Filetype::Unknown
    }
}

fn timestamp(secs: i64, nsecs: i64) -> types::Timestamp {
    // Times before 1970 (negative) have no preview-1 representation: 0.
    u64::try_from(secs)
        .ok()
        .and_then(|s| s.checked_mul(1_000_000_000))
        .and_then(|ns| ns.checked_add(nsecs.max(0) as u64))
        .unwrap_or(0)
}

fn filestat(meta: &Metadata) -> types::Filestat {
    types::Filestat {
        dev: meta.dev(),
        ino: meta.ino(),
        filetype: filetype(meta.file_type()),
        nlink: meta.nlink(),
        size: meta.len(),
        atim: timestamp(meta.atime(), meta.atime_nsec()),
        mtim: timestamp(meta.mtime(), meta.mtime_nsec()),
        ctim: timestamp(meta.ctime(), meta.ctime_nsec()),
    }
}

fn metadata(desc: &Descriptor) -> Result<Metadata> {
    Ok(match desc {
        Descriptor::File(f) => f.metadata()?,
        Descriptor::Dir { dir, .. } => dir.dir_metadata()?,
        _ => return Err(Errno::Badf.into()),
    })
}

fn fs_fd(desc: &Descriptor) -> Result<BorrowedFd<'_>> {
    match desc {
        Descriptor::File(f) => Ok(f.as_fd()),
        Descriptor::Dir { dir, .. } => Ok(dir.as_fd()),
        _ => Err(Errno::Badf.into()),
    }
}

fn file(desc: &Descriptor) -> Result<&File> {
    match desc {
        Descriptor::File(f) => Ok(f),
        _ => Err(Errno::Badf.into()),
    }
}

fn dir(desc: &Descriptor) -> &Dir {
    match desc {
        Descriptor::Dir { dir, .. } => dir,
        _ => unreachable!("get_dir returns directories only"),
    }
}

/// The new time for `set`/`now` flags of `fd_filestat_set_times`: both is `INVAL`.
fn time_spec(set: bool, now: bool, ts: types::Timestamp) -> Result<Option<SystemTimeSpec>> {
    match (set, now) {
        (true, true) => Err(Errno::Inval.into()),
        (true, false) => Ok(Some(SystemTimeSpec::Absolute(
            cap_std::time::SystemTime::from_std(SystemTime::UNIX_EPOCH + Duration::from_nanos(ts)),
        ))),
        (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
        (false, false) => Ok(None),
    }
}

fn timestamps(
    atim: types::Timestamp,
    mtim: types::Timestamp,
    flags: types::Fstflags,
) -> Result<(Option<SystemTimeSpec>, Option<SystemTimeSpec>)> {
    use types::Fstflags as F;
    Ok((
        time_spec(flags.contains(F::ATIM), flags.contains(F::ATIM_NOW), atim)?,
        time_spec(flags.contains(F::MTIM), flags.contains(F::MTIM_NOW), mtim)?,
    ))
}

/// futimens(2) on an open file or directory (cap-std sets times by path only).
fn set_fd_times(
    fd: BorrowedFd<'_>,
    atime: Option<SystemTimeSpec>,
    mtime: Option<SystemTimeSpec>,
) -> Result<()> {
    fn spec(t: Option<SystemTimeSpec>) -> rustix::fs::Timespec {
        match t {
            None => rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: rustix::fs::UTIME_OMIT,
            },
            Some(SystemTimeSpec::SymbolicNow) => rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: rustix::fs::UTIME_NOW,
            },
            Some(SystemTimeSpec::Absolute(t)) => {
                let d = t
                    .into_std()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                rustix::fs::Timespec {
                    tv_sec: d.as_secs() as _,
                    tv_nsec: d.subsec_nanos() as _,
                }
            }
        }
    }
    let times = rustix::fs::Timestamps {
        last_access: spec(atime),
        last_modification: spec(mtime),
    };
    Ok(rustix::fs::futimens(fd, &times)?)
}

fn write_bytes(
    memory: &mut GuestMemory<'_>,
    ptr: GuestPtr<u8>,
    bytes: &[u8],
) -> Result<GuestPtr<u8>> {
    let len = u32::try_from(bytes.len())?;
    memory.copy_from_slice(bytes, ptr.as_array(len))?;
    Ok(ptr.add(len)?)
}

/// `args_get`/`environ_get`: the strings, NUL-terminated, and pointers to them.
fn write_strings(
    memory: &mut GuestMemory<'_>,
    strings: &[String],
    mut ptrs: GuestPtr<GuestPtr<u8>>,
    mut buf: GuestPtr<u8>,
) -> Result<()> {
    for s in strings {
        memory.write(ptrs, buf)?;
        ptrs = ptrs.add(1)?;
        buf = write_bytes(memory, buf, s.as_bytes())?;
        buf = write_bytes(memory, buf, &[0])?;
    }
    Ok(())
}

fn sizes(strings: &[String]) -> Result<(types::Size, types::Size)> {
    let bytes: usize = strings.iter().map(|s| s.len() + 1).sum();
    Ok((strings.len().try_into()?, bytes.try_into()?))
}

/// Rights reported for a preopened directory: what userlands (wasi-libc) expect to find.
fn preopen_rights() -> (types::Rights, types::Rights) {
    use types::Rights as R;
    let base = R::PATH_CREATE_DIRECTORY
        | R::PATH_CREATE_FILE
        | R::PATH_LINK_SOURCE
        | R::PATH_LINK_TARGET
        | R::PATH_OPEN
        | R::FD_READDIR
        | R::PATH_READLINK
        | R::PATH_RENAME_SOURCE
        | R::PATH_RENAME_TARGET
        | R::PATH_SYMLINK
        | R::PATH_REMOVE_DIRECTORY
        | R::PATH_UNLINK_FILE
        | R::PATH_FILESTAT_GET
        | R::PATH_FILESTAT_SET_TIMES
        | R::FD_FILESTAT_GET
        | R::FD_FILESTAT_SET_TIMES;
    let inheriting = base
        | R::FD_DATASYNC
        | R::FD_READ
        | R::FD_SEEK
        | R::FD_FDSTAT_SET_FLAGS
        | R::FD_SYNC
        | R::FD_TELL
        | R::FD_WRITE
        | R::FD_ADVISE
        | R::FD_ALLOCATE
        | R::FD_FILESTAT_GET
        | R::FD_FILESTAT_SET_SIZE
        | R::FD_FILESTAT_SET_TIMES
        | R::POLL_FD_READWRITE;
    (base, inheriting)
}

/// A dirent header as preview 1 lays it out in guest memory (24 bytes, little-endian).
fn dirent_bytes(next: u64, ino: u64, namlen: u32, ty: types::Filetype) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0..8].copy_from_slice(&next.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = ty as u8;
    b
}

impl WasiSnapshotPreview1 for WasiView {
    fn set_hostcall_fuel(&mut self, fuel: usize) {
        self.fuel = fuel;
    }

    fn args_get(
        &mut self,
        memory: &mut GuestMemory<'_>,
        argv: GuestPtr<GuestPtr<u8>>,
        argv_buf: GuestPtr<u8>,
    ) -> Result<()> {
        write_strings(memory, &self.ctx.args, argv, argv_buf)
    }

    fn args_sizes_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
    ) -> Result<(types::Size, types::Size)> {
        sizes(&self.ctx.args)
    }

    fn environ_get(
        &mut self,
        memory: &mut GuestMemory<'_>,
        environ: GuestPtr<GuestPtr<u8>>,
        environ_buf: GuestPtr<u8>,
    ) -> Result<()> {
        write_strings(memory, &self.ctx.env, environ, environ_buf)
    }

    fn environ_sizes_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
    ) -> Result<(types::Size, types::Size)> {
        sizes(&self.ctx.env)
    }

    fn clock_res_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        id: types::Clockid,
    ) -> Result<types::Timestamp> {
        let res = match id {
            types::Clockid::Realtime => self.ctx.clocks.system.resolution(),
            types::Clockid::Monotonic => self.ctx.clocks.monotonic.resolution(),
            // Not offered, as under wasmtime's WASIp1.
            types::Clockid::ProcessCputimeId | types::Clockid::ThreadCputimeId => {
                return Err(Errno::Badf.into())
            }
        };
        Ok(res.as_nanos().try_into()?)
    }

    fn clock_time_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        id: types::Clockid,
        _precision: types::Timestamp,
    ) -> Result<types::Timestamp> {
        let clocks = &self.ctx.clocks;
        let since = match id {
            types::Clockid::Realtime => clocks
                .system
                .now()
                .duration_since(cap_std::time::SystemClock::UNIX_EPOCH)
                .map_err(|_| Errno::Overflow)?,
            types::Clockid::Monotonic => clocks.monotonic.now().duration_since(clocks.epoch),
            types::Clockid::ProcessCputimeId | types::Clockid::ThreadCputimeId => {
                return Err(Errno::Badf.into())
            }
        };
        Ok(since.as_nanos().try_into()?)
    }

    fn fd_advise(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        offset: types::Filesize,
        len: types::Filesize,
        advice: types::Advice,
    ) -> Result<()> {
        let desc = self.get(fd)?;
        let f = file(&desc)?;
        use rustix::fs::Advice as A;
        let advice = match advice {
            types::Advice::Normal => A::Normal,
            types::Advice::Sequential => A::Sequential,
            types::Advice::Random => A::Random,
            types::Advice::Willneed => A::WillNeed,
            types::Advice::Dontneed => A::DontNeed,
            types::Advice::Noreuse => A::NoReuse,
        };
        Ok(rustix::fs::fadvise(
            f,
            offset,
            std::num::NonZeroU64::new(len),
            advice,
        )?)
    }

    fn fd_allocate(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _offset: types::Filesize,
        _len: types::Filesize,
    ) -> Result<()> {
        // As under wasmtime's WASIp1 (and WASI 0.2, which dropped it): not supported.
        file(&*self.get(fd)?)?;
        Err(Errno::Notsup.into())
    }

    fn fd_close(&mut self, _memory: &mut GuestMemory<'_>, fd: types::Fd) -> Result<()> {
        Ok(self.ctx.table.close(u32::from(fd))?)
    }

    fn fd_datasync(&mut self, _memory: &mut GuestMemory<'_>, fd: types::Fd) -> Result<()> {
        let desc = self.get(fd)?;
        Ok(file(&desc)?.sync_data()?)
    }

    fn fd_fdstat_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
    ) -> Result<types::Fdstat> {
        use types::Rights as R;
        let desc = self.get(fd)?;
        let stdio = |tty: bool, rights: R| types::Fdstat {
            fs_filetype: stdio_filetype(tty),
            fs_flags: types::Fdflags::empty(),
            fs_rights_base: rights,
            fs_rights_inheriting: rights,
        };
        let fd = match &*desc {
            Descriptor::Stdin { tty } => return Ok(stdio(*tty, R::FD_READ)),
            Descriptor::Stdout { tty } | Descriptor::Stderr { tty } => {
                return Ok(stdio(*tty, R::FD_WRITE))
            }
            Descriptor::Dir {
                preopen: Some(_), ..
            } => {
                let (base, inheriting) = preopen_rights();
                return Ok(types::Fdstat {
                    fs_filetype: types::Filetype::Directory,
                    fs_flags: types::Fdflags::empty(),
                    fs_rights_base: base,
                    fs_rights_inheriting: inheriting,
                });
            }
            other => fs_fd(other)?,
        };
        let fs_filetype = filetype(metadata(&desc)?.file_type());
        let os = rustix::fs::fcntl_getfl(fd)?;
        let mut rights = R::all();
        if fs_filetype == types::Filetype::Directory {
            rights &= !(R::FD_SEEK | R::FD_FILESTAT_SET_SIZE | R::PATH_FILESTAT_SET_SIZE);
        }
        let mode = os & OFlags::ACCMODE;
        if mode == OFlags::WRONLY {
            rights &= !(R::FD_READ | R::FD_READDIR);
        }
        if mode == OFlags::RDONLY {
            rights &= !R::FD_WRITE;
        }
        let mut fs_flags = types::Fdflags::empty();
        for (os_flag, flag) in [
            (OFlags::APPEND, types::Fdflags::APPEND),
            (OFlags::NONBLOCK, types::Fdflags::NONBLOCK),
            (OFlags::DSYNC, types::Fdflags::DSYNC),
            (OFlags::SYNC, types::Fdflags::SYNC),
            (OFlags::RSYNC, types::Fdflags::RSYNC),
        ] {
            if os.contains(os_flag) {
                fs_flags |= flag;
            }
        }
        Ok(types::Fdstat {
            fs_filetype,
            fs_flags,
            fs_rights_base: rights,
            fs_rights_inheriting: rights,
        })
    }

    fn fd_fdstat_set_flags(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        flags: types::Fdflags,
    ) -> Result<()> {
        let desc = self.get(fd)?;
        let f = file(&desc)?;
        use types::Fdflags as F;
        // Only APPEND and NONBLOCK can change once a file is open.
        if flags.intersects(F::DSYNC | F::SYNC | F::RSYNC) {
            return Err(Errno::Inval.into());
        }
        let mut os = rustix::fs::fcntl_getfl(f)?;
        os.set(OFlags::APPEND, flags.contains(F::APPEND));
        os.set(OFlags::NONBLOCK, flags.contains(F::NONBLOCK));
        Ok(rustix::fs::fcntl_setfl(f, os)?)
    }

    fn fd_fdstat_set_rights(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _fs_rights_base: types::Rights,
        _fs_rights_inheriting: types::Rights,
    ) -> Result<()> {
        // Rights are not enforced (WASI 0.2 dropped them); as under wasmtime's WASIp1.
        self.get_fs(fd)?;
        Err(Errno::Notsup.into())
    }

    fn fd_filestat_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
    ) -> Result<types::Filestat> {
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::Stdin { tty } | Descriptor::Stdout { tty } | Descriptor::Stderr { tty } => {
                Ok(types::Filestat {
                    dev: 0,
                    ino: 0,
                    filetype: stdio_filetype(*tty),
                    nlink: 0,
                    size: 0,
                    atim: 0,
                    mtim: 0,
                    ctim: 0,
                })
            }
            other => Ok(filestat(&metadata(other)?)),
        }
    }

    fn fd_filestat_set_size(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        size: types::Filesize,
    ) -> Result<()> {
        let desc = self.get(fd)?;
        Ok(file(&desc)?.set_len(size)?)
    }

    fn fd_filestat_set_times(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        atim: types::Timestamp,
        mtim: types::Timestamp,
        fst_flags: types::Fstflags,
    ) -> Result<()> {
        let (atime, mtime) = timestamps(atim, mtim, fst_flags)?;
        let desc = self.get_fs(fd)?;
        set_fd_times(fs_fd(&desc)?, atime, mtime)
    }

    fn fd_pread(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        iovs: types::IovecArray,
        offset: types::Filesize,
    ) -> Result<types::Size> {
        let buf = self.first_iovec(memory, iovs)?;
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::File(f) => read_into(memory, buf, |b| {
                rustix::io::pread(f, b, offset).map_err(Into::into)
            }),
            Descriptor::Stdin { .. } => Err(Errno::Spipe.into()),
            _ => Err(Errno::Badf.into()),
        }
    }

    fn fd_prestat_get(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
    ) -> Result<types::Prestat> {
        match &*self.get(fd)? {
            Descriptor::Dir {
                preopen: Some(p), ..
            } => Ok(types::Prestat::Dir(types::PrestatDir {
                pr_name_len: p.len().try_into()?,
            })),
            _ => Err(Errno::Badf.into()),
        }
    }

    fn fd_prestat_dir_name(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        path: GuestPtr<u8>,
        path_len: types::Size,
    ) -> Result<()> {
        match &*self.get(fd)? {
            Descriptor::Dir {
                preopen: Some(p), ..
            } => {
                if p.len() > path_len as usize {
                    return Err(Errno::Nametoolong.into());
                }
                write_bytes(memory, path, p.as_bytes())?;
                Ok(())
            }
            _ => Err(Errno::Notdir.into()),
        }
    }

    fn fd_pwrite(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        iovs: types::CiovecArray,
        offset: types::Filesize,
    ) -> Result<types::Size> {
        let data = self.gather(memory, iovs)?;
        let desc = self.get(fd)?;
        match &*desc {
            // Linux semantics: on an O_APPEND file the offset is ignored and data is appended.
            Descriptor::File(f) => {
                Ok(
                    retry(|| rustix::io::pwrite(f, &data, offset).map_err(Into::into))?
                        .try_into()?,
                )
            }
            Descriptor::Stdout { .. } | Descriptor::Stderr { .. } => Err(Errno::Spipe.into()),
            _ => Err(Errno::Badf.into()),
        }
    }

    fn fd_read(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        iovs: types::IovecArray,
    ) -> Result<types::Size> {
        let buf = self.first_iovec(memory, iovs)?;
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::File(f) => read_into(memory, buf, |b| (&*f).read(b)),
            Descriptor::Stdin { .. } => {
                let fd = std_fd(&desc).expect("stdin");
                read_into(memory, buf, |b| rustix::io::read(fd, b).map_err(Into::into))
            }
            _ => Err(Errno::Badf.into()),
        }
    }

    fn fd_readdir(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        buf: GuestPtr<u8>,
        buf_len: types::Size,
        cookie: types::Dircookie,
    ) -> Result<types::Size> {
        let desc = self.get(fd)?;
        let Descriptor::Dir { dir, .. } = &*desc else {
            return Err(Errno::Badf.into());
        };
        let here = dir.dir_metadata()?.ino();
        // ".", "..", then the entries in the OS's order; the cookie of an entry is its
        // position plus one. ".." reports the directory's own inode: the parent of a preopen
        // is outside the sandbox.
        let mut out: Vec<u8> = Vec::new();
        let cap = buf_len as usize;
        let mut push = |next: u64, ino: u64, ty: types::Filetype, name: &[u8]| -> Result<bool> {
            if next <= cookie {
                return Ok(true);
            }
            out.extend_from_slice(&dirent_bytes(next, ino, name.len().try_into()?, ty));
            out.extend_from_slice(name);
            Ok(out.len() < cap)
        };
        let room = push(1, here, types::Filetype::Directory, b".")?
            && push(2, here, types::Filetype::Directory, b"..")?;
        if room {
            for (entry, next) in dir.entries()?.zip(3u64..) {
                if next <= cookie {
                    continue;
                }
                let entry = entry?;
                let name = entry.file_name().into_string().map_err(|_| Errno::Ilseq)?;
                use cap_fs_ext::DirEntryExt;
                let meta = entry.full_metadata()?;
                if !push(
                    next,
                    meta.ino(),
                    filetype(meta.file_type()),
                    name.as_bytes(),
                )? {
                    break;
                }
            }
        }
        // A full buffer tells the guest to call again with a larger one (or the next cookie).
        out.truncate(cap);
        write_bytes(memory, buf, &out)?;
        Ok(out.len().try_into()?)
    }

    fn fd_renumber(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        to: types::Fd,
    ) -> Result<()> {
        Ok(self.ctx.table.renumber(u32::from(fd), u32::from(to))?)
    }

    fn fd_seek(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        offset: types::Filedelta,
        whence: types::Whence,
    ) -> Result<types::Filesize> {
        let desc = self.get(fd)?;
        let f = match &*desc {
            Descriptor::File(f) => f,
            Descriptor::Stdin { .. } | Descriptor::Stdout { .. } | Descriptor::Stderr { .. } => {
                return Err(Errno::Spipe.into())
            }
            Descriptor::Dir { .. } => return Err(Errno::Badf.into()),
        };
        let to = match whence {
            types::Whence::Set => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
            types::Whence::Cur => SeekFrom::Current(offset),
            types::Whence::End => SeekFrom::End(offset),
        };
        Ok((&*f).seek(to)?)
    }

    fn fd_sync(&mut self, _memory: &mut GuestMemory<'_>, fd: types::Fd) -> Result<()> {
        let desc = self.get(fd)?;
        Ok(file(&desc)?.sync_all()?)
    }

    fn fd_tell(&mut self, memory: &mut GuestMemory<'_>, fd: types::Fd) -> Result<types::Filesize> {
        self.fd_seek(memory, fd, 0, types::Whence::Cur)
    }

    fn fd_write(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        iovs: types::CiovecArray,
    ) -> Result<types::Size> {
        let data = self.gather(memory, iovs)?;
        let desc = self.get(fd)?;
        match &*desc {
            Descriptor::File(f) => Ok(retry(|| (&*f).write(&data))?.try_into()?),
            Descriptor::Stdout { .. } | Descriptor::Stderr { .. } => {
                write_stdio(std_fd(&desc).expect("stdio"), &data)
            }
            _ => Err(Errno::Badf.into()),
        }
    }

    fn path_create_directory(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        path: GuestPtr<str>,
    ) -> Result<()> {
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        Ok(dir(&desc).create_dir(&path)?)
    }

    fn path_filestat_get(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        flags: types::Lookupflags,
        path: GuestPtr<str>,
    ) -> Result<types::Filestat> {
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        let d = dir(&desc);
        let meta = if flags.contains(types::Lookupflags::SYMLINK_FOLLOW) {
            d.metadata(&path)?
        } else {
            d.symlink_metadata(&path)?
        };
        Ok(filestat(&meta))
    }

    fn path_filestat_set_times(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        flags: types::Lookupflags,
        path: GuestPtr<str>,
        atim: types::Timestamp,
        mtim: types::Timestamp,
        fst_flags: types::Fstflags,
    ) -> Result<()> {
        let (atime, mtime) = timestamps(atim, mtim, fst_flags)?;
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        let d = dir(&desc);
        if flags.contains(types::Lookupflags::SYMLINK_FOLLOW) {
            d.set_times(&path, atime, mtime)?;
        } else {
            d.set_symlink_times(&path, atime, mtime)?;
        }
        Ok(())
    }

    fn path_link(
        &mut self,
        memory: &mut GuestMemory<'_>,
        old_fd: types::Fd,
        old_flags: types::Lookupflags,
        old_path: GuestPtr<str>,
        new_fd: types::Fd,
        new_path: GuestPtr<str>,
    ) -> Result<()> {
        let old_path = self.path(memory, old_path)?;
        let new_path = self.path(memory, new_path)?;
        let old = self.get_dir(old_fd)?;
        let new = self.get_dir(new_fd)?;
        // linkat(2) with AT_SYMLINK_FOLLOW is not offered (as under wasmtime's WASIp1).
        if old_flags.contains(types::Lookupflags::SYMLINK_FOLLOW) {
            return Err(Errno::Inval.into());
        }
        Ok(dir(&old).hard_link(&old_path, dir(&new), &new_path)?)
    }

    fn path_open(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        dirflags: types::Lookupflags,
        path: GuestPtr<str>,
        oflags: types::Oflags,
        fs_rights_base: types::Rights,
        _fs_rights_inheriting: types::Rights,
        fdflags: types::Fdflags,
    ) -> Result<types::Fd> {
        use types::{Fdflags as F, Oflags as O, Rights as R};
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        let mut opts = OpenOptions::new();
        opts.maybe_dir(true);
        let mut write = fs_rights_base.contains(R::FD_WRITE);
        if oflags.contains(O::CREAT) {
            if oflags.contains(O::EXCL) {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
            write = true;
        }
        if oflags.contains(O::TRUNC) {
            opts.truncate(true);
            write = true;
        }
        // Without the write right, open for reading, so that the OS lets us open the file.
        opts.read(fs_rights_base.contains(R::FD_READ) || !write);
        opts.write(write);
        opts.follow(if dirflags.contains(types::Lookupflags::SYMLINK_FOLLOW) {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        // cap-std cannot open with the O_*SYNC flags: not supported (as under wasmtime).
        if fdflags.intersects(F::DSYNC | F::SYNC | F::RSYNC) {
            return Err(Errno::Notsup.into());
        }
        if oflags.contains(O::DIRECTORY) && oflags.intersects(O::CREAT | O::EXCL | O::TRUNC) {
            return Err(Errno::Inval.into());
        }
        let opened = dir(&desc).open_with(&path, &opts)?;
        let new = if opened.metadata()?.is_dir() {
            Descriptor::Dir {
                dir: Dir::from_std_file(opened.into_std()),
                preopen: None,
            }
        } else if oflags.contains(O::DIRECTORY) {
            return Err(Errno::Notdir.into());
        } else {
            // APPEND and NONBLOCK are set on the open file (std's OpenOptions, and so cap-std's,
            // refuse append together with truncate, which O_TRUNC|O_APPEND asks for).
            let mut extra = OFlags::empty();
            extra.set(OFlags::APPEND, fdflags.contains(F::APPEND));
            extra.set(OFlags::NONBLOCK, fdflags.contains(F::NONBLOCK));
            if !extra.is_empty() {
                let os = rustix::fs::fcntl_getfl(&opened)?;
                rustix::fs::fcntl_setfl(&opened, os | extra)?;
            }
            Descriptor::File(opened)
        };
        Ok(self.ctx.table.push(new)?.into())
    }

    fn path_readlink(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        path: GuestPtr<str>,
        buf: GuestPtr<u8>,
        buf_len: types::Size,
    ) -> Result<types::Size> {
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        let target = dir(&desc).read_link(&path)?;
        let target = target
            .into_os_string()
            .into_string()
            .map_err(|_| Errno::Ilseq)?;
        let mut bytes = target.into_bytes();
        bytes.truncate(buf_len as usize);
        write_bytes(memory, buf, &bytes)?;
        Ok(bytes.len().try_into()?)
    }

    fn path_remove_directory(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        path: GuestPtr<str>,
    ) -> Result<()> {
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        Ok(dir(&desc).remove_dir(&path)?)
    }

    fn path_rename(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        old_path: GuestPtr<str>,
        new_fd: types::Fd,
        new_path: GuestPtr<str>,
    ) -> Result<()> {
        let old_path = self.path(memory, old_path)?;
        let new_path = self.path(memory, new_path)?;
        let old = self.get_dir(fd)?;
        let new = self.get_dir(new_fd)?;
        Ok(dir(&old).rename(&old_path, dir(&new), &new_path)?)
    }

    fn path_symlink(
        &mut self,
        memory: &mut GuestMemory<'_>,
        old_path: GuestPtr<str>,
        fd: types::Fd,
        new_path: GuestPtr<str>,
    ) -> Result<()> {
        let old_path = self.path(memory, old_path)?;
        let new_path = self.path(memory, new_path)?;
        let desc = self.get_dir(fd)?;
        Ok(dir(&desc).symlink(Path::new(&old_path), &new_path)?)
    }

    fn path_unlink_file(
        &mut self,
        memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        path: GuestPtr<str>,
    ) -> Result<()> {
        let path = self.path(memory, path)?;
        let desc = self.get_dir(fd)?;
        Ok(dir(&desc).remove_file_or_symlink(&path)?)
    }

    fn poll_oneoff(
        &mut self,
        memory: &mut GuestMemory<'_>,
        subs: GuestPtr<types::Subscription>,
        events: GuestPtr<types::Event>,
        nsubscriptions: types::Size,
    ) -> Result<types::Size> {
        self.consume_fuel((nsubscriptions as usize).saturating_mul(48))?;
        super::poll::poll_oneoff(&self.ctx, memory, subs, events, nsubscriptions)
    }

    fn proc_exit(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        rval: types::Exitcode,
    ) -> wasmtime::Error {
        // WASI reserves statuses from 126 up; as under wasmtime, asking for one is an error
        // (reported like a trap) rather than an exit.
        match i32::try_from(rval) {
            Ok(code) if code < 126 => wasmtime::Error::new(Exit(code)),
            _ => wasmtime::Error::msg(format!(
                "proc_exit({rval}): WASI exit statuses are 0 to 125"
            )),
        }
    }

    fn proc_raise(&mut self, _memory: &mut GuestMemory<'_>, _sig: types::Signal) -> Result<()> {
        Err(Errno::Notsup.into())
    }

    fn sched_yield(&mut self, _memory: &mut GuestMemory<'_>) -> Result<()> {
        std::thread::yield_now();
        Ok(())
    }

    fn random_get(
        &mut self,
        memory: &mut GuestMemory<'_>,
        buf: GuestPtr<u8>,
        buf_len: types::Size,
    ) -> Result<()> {
        let mut rng = cap_rand::rngs::OsRng::default(cap_rand::ambient_authority());
        let mut ptr = buf;
        let mut left = buf_len;
        // In bounded pieces: the guest may ask for its whole memory.
        let mut chunk = vec![0u8; left.min(MAX_TRANSFER) as usize];
        while left > 0 {
            let n = left.min(MAX_TRANSFER);
            let piece = &mut chunk[..n as usize];
            rng.try_fill_bytes(piece).map_err(|_| Errno::Io)?;
            ptr = write_bytes(memory, ptr, piece)?;
            left -= n;
        }
        Ok(())
    }

    fn sock_accept(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _flags: types::Fdflags,
    ) -> Result<types::Fd> {
        self.get(fd)?;
        Err(Errno::Notsock.into())
    }

    fn sock_recv(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _ri_data: types::IovecArray,
        _ri_flags: types::Riflags,
    ) -> Result<(types::Size, types::Roflags)> {
        self.get(fd)?;
        Err(Errno::Notsock.into())
    }

    fn sock_send(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _si_data: types::CiovecArray,
        _si_flags: types::Siflags,
    ) -> Result<types::Size> {
        self.get(fd)?;
        Err(Errno::Notsock.into())
    }

    fn sock_shutdown(
        &mut self,
        _memory: &mut GuestMemory<'_>,
        fd: types::Fd,
        _how: types::Sdflags,
    ) -> Result<()> {
        self.get(fd)?;
        Err(Errno::Notsock.into())
    }
}
