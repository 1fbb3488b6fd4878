//! The panic handler: writes the panic message and location to stderr without allocating (the panic
//! may be an allocation failure), then halts with [`crate::PANIC_EXIT_CODE`].

#[cfg(target_arch = "riscv32")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    let mut stderr = crate::env::Stream::Stderr;
    let _ = match info.location() {
        Some(at) => writeln!(stderr, "guest panicked at {}:{}:{}:\n{}", at.file(), at.line(), at.column(), info.message()),
        None => writeln!(stderr, "guest panicked:\n{}", info.message()),
    };
    crate::env::exit(crate::PANIC_EXIT_CODE)
}
