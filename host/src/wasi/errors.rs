//! Host errors → WASI errnos (or traps), and the `proc_exit` unwinding error.

use std::fmt;

use rustix::io::Errno as Os;
use wiggle::GuestError;

use super::types::{Errno, Error};

impl wiggle::GuestErrorType for Errno {
    fn success() -> Self {
        Errno::Success
    }
}

/// The error `proc_exit(code)` unwinds the calling thread with; the host then ends the whole
/// process with `code` (see `exit::exit_process`).
#[derive(Debug, Clone, Copy)]
pub struct Exit(pub i32);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "proc_exit({})", self.0)
    }
}

impl std::error::Error for Exit {}

/// The WASI errno for an OS error number; WASI's errno list is POSIX's, renamed.
pub(crate) fn from_os(e: Os) -> Errno {
    match e {
        Os::TOOBIG => Errno::TooBig,
        Os::ACCESS => Errno::Acces,
        Os::ADDRINUSE => Errno::Addrinuse,
        Os::ADDRNOTAVAIL => Errno::Addrnotavail,
        Os::AFNOSUPPORT => Errno::Afnosupport,
        Os::AGAIN => Errno::Again,
        Os::ALREADY => Errno::Already,
        Os::BADF => Errno::Badf,
        Os::BADMSG => Errno::Badmsg,
        Os::BUSY => Errno::Busy,
        Os::CANCELED => Errno::Canceled,
        Os::CHILD => Errno::Child,
        Os::CONNABORTED => Errno::Connaborted,
        Os::CONNREFUSED => Errno::Connrefused,
        Os::CONNRESET => Errno::Connreset,
        Os::DEADLK => Errno::Deadlk,
        Os::DESTADDRREQ => Errno::Destaddrreq,
        Os::DOM => Errno::Dom,
        Os::DQUOT => Errno::Dquot,
        Os::EXIST => Errno::Exist,
        Os::FAULT => Errno::Fault,
        Os::FBIG => Errno::Fbig,
        Os::HOSTUNREACH => Errno::Hostunreach,
        Os::IDRM => Errno::Idrm,
        Os::ILSEQ => Errno::Ilseq,
        Os::INPROGRESS => Errno::Inprogress,
        Os::INTR => Errno::Intr,
        Os::INVAL => Errno::Inval,
        Os::IO => Errno::Io,
        Os::ISCONN => Errno::Isconn,
        Os::ISDIR => Errno::Isdir,
        Os::LOOP => Errno::Loop,
        Os::MFILE => Errno::Mfile,
        Os::MLINK => Errno::Mlink,
        Os::MSGSIZE => Errno::Msgsize,
        Os::MULTIHOP => Errno::Multihop,
        Os::NAMETOOLONG => Errno::Nametoolong,
        Os::NETDOWN => Errno::Netdown,
        Os::NETRESET => Errno::Netreset,
        Os::NETUNREACH => Errno::Netunreach,
        Os::NFILE => Errno::Nfile,
        Os::NOBUFS => Errno::Nobufs,
        Os::NODEV => Errno::Nodev,
        Os::NOENT => Errno::Noent,
        Os::NOEXEC => Errno::Noexec,
        Os::NOLCK => Errno::Nolck,
        Os::NOLINK => Errno::Nolink,
        Os::NOMEM => Errno::Nomem,
        Os::NOMSG => Errno::Nomsg,
        Os::NOPROTOOPT => Errno::Noprotoopt,
        Os::NOSPC => Errno::Nospc,
        Os::NOSYS => Errno::Nosys,
        Os::NOTCONN => Errno::Notconn,
        Os::NOTDIR => Errno::Notdir,
        Os::NOTEMPTY => Errno::Notempty,
        Os::NOTRECOVERABLE => Errno::Notrecoverable,
        Os::NOTSOCK => Errno::Notsock,
        Os::NOTSUP => Errno::Notsup,
        Os::NOTTY => Errno::Notty,
        Os::NXIO => Errno::Nxio,
        Os::OVERFLOW => Errno::Overflow,
        Os::OWNERDEAD => Errno::Ownerdead,
        Os::PERM => Errno::Perm,
        Os::PIPE => Errno::Pipe,
        Os::PROTO => Errno::Proto,
        Os::PROTONOSUPPORT => Errno::Protonosupport,
        Os::PROTOTYPE => Errno::Prototype,
        Os::RANGE => Errno::Range,
        Os::ROFS => Errno::Rofs,
        Os::SPIPE => Errno::Spipe,
        Os::SRCH => Errno::Srch,
        Os::STALE => Errno::Stale,
        Os::TIMEDOUT => Errno::Timedout,
        Os::TXTBSY => Errno::Txtbsy,
        Os::XDEV => Errno::Xdev,
        // Aliases of the above on some systems (EWOULDBLOCK = EAGAIN, EOPNOTSUPP = ENOTSUP on
        // Linux); elsewhere their own numbers.
        #[allow(unreachable_patterns)]
        Os::WOULDBLOCK => Errno::Again,
        #[allow(unreachable_patterns)]
        Os::OPNOTSUPP => Errno::Notsup,
        _ => Errno::Io,
    }
}

/// The WASI errno for a std I/O error: its OS number if it has one, else its kind (cap-std
/// reports a path that would leave the sandbox as `PermissionDenied` without a number).
pub(crate) fn from_io(e: &std::io::Error) -> Errno {
    if let Some(raw) = e.raw_os_error() {
        return from_os(Os::from_raw_os_error(raw));
    }
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => Errno::Noent,
        K::PermissionDenied => Errno::Perm,
        K::AlreadyExists => Errno::Exist,
        K::InvalidInput => Errno::Inval,
        K::InvalidData => Errno::Ilseq,
        K::Interrupted => Errno::Intr,
        K::WouldBlock => Errno::Again,
        K::Unsupported => Errno::Notsup,
        K::OutOfMemory => Errno::Nomem,
        K::NotADirectory => Errno::Notdir,
        K::IsADirectory => Errno::Isdir,
        K::DirectoryNotEmpty => Errno::Notempty,
        K::InvalidFilename => Errno::Nametoolong,
        _ => Errno::Io,
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        from_io(&e).into()
    }
}

impl From<Os> for Error {
    fn from(e: Os) -> Error {
        from_os(e).into()
    }
}

impl From<std::num::TryFromIntError> for Error {
    fn from(_: std::num::TryFromIntError) -> Error {
        Errno::Overflow.into()
    }
}

impl From<GuestError> for Error {
    fn from(err: GuestError) -> Error {
        use GuestError::*;
        match err {
            InvalidFlagValue { .. } | InvalidEnumValue { .. } => Errno::Inval.into(),
            // The witx rules: a function given an out-of-bounds or misaligned pointer that it
            // needs to dereference traps.
            PtrOverflow | PtrOutOfBounds(_) | PtrNotAligned(..) => Error::trap(err.into()),
            InvalidUtf8(_) => Errno::Ilseq.into(),
            TryFromIntError(_) => Errno::Overflow.into(),
            SliceLengthsDiffer => Errno::Fault.into(),
            InFunc { err, .. } => Error::from(*err),
        }
    }
}
