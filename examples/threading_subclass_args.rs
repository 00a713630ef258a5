// threading_subclass_args: PyMOTW 3's `threading_subclass_args.py` ported line by line.
// Run: cargo run --example threading_subclass_args
//
// The Python original, for comparison:
//
//     import threading
//     import logging
//
//
//     class MyThreadWithArgs(threading.Thread):
//
//         def __init__(self, group=None, target=None, name=None,
//                      args=(), kwargs=None, *, daemon=None):
//             super().__init__(group=group, target=target, name=name,
//                              daemon=daemon)
//             self.args = args
//             self.kwargs = kwargs
//
//         def run(self):
//             logging.debug('running with %s and %s',
//                           self.args, self.kwargs)
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     for i in range(5):
//         t = MyThreadWithArgs(args=(i,), kwargs={'a': 'A', 'b': 'B'})
//         t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::logging;

struct MyThreadWithArgs {
    args: (i32,),
    kwargs: Option<Vec<(&'static str, &'static str)>>,
}

impl MyThreadWithArgs {
    // The constructor keeps its own arguments and hands the thread ones (name, daemon, ...)
    // to the Thread builder, as `super().__init__(...)` does.
    #[allow(clippy::new_ret_no_self)]
    fn new(args: (i32,), kwargs: Option<Vec<(&'static str, &'static str)>>) -> threading::Thread {
        threading::Thread::builder()
            .run(MyThreadWithArgs { args, kwargs })
            .build()
    }
}

impl threading::Run for MyThreadWithArgs {
    fn run(&mut self) {
        log::debug!(
            "running with {} and {}",
            tuple_repr(&self.args),
            dict_repr(self.kwargs.as_deref())
        );
    }
}

/// Python's `repr()` of a one-element tuple: `(0,)`.
fn tuple_repr(args: &(i32,)) -> String {
    format!("({},)", args.0)
}

/// Python's `repr()` of a str -> str dict, or of `None`.
fn dict_repr(kwargs: Option<&[(&str, &str)]>) -> String {
    match kwargs {
        None => "None".to_string(),
        Some(items) => {
            let items: Vec<String> = items.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    for i in 0..5 {
        let t = MyThreadWithArgs::new((i,), Some(vec![("a", "A"), ("b", "B")]));
        t.start()?;
    }
    Ok(())
}
