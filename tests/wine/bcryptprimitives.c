/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running the
 * Windows build of the `giaonhan` CLI under Wine 8, which lacks it.
 *
 * Rust's standard library (since 1.78) asks bcryptprimitives.dll for
 * `ProcessPrng`; Windows 10 and 11 have it, Wine 8 does not, so the program
 * would not start. This DLL exports `ProcessPrng` and fills the buffer from
 * `RtlGenRandom` (`SystemFunction036` in advapi32), which Wine provides.
 *
 * It is built by scripts/windows.sh into the Wine test folder only and is
 * never shipped: real offices run real Windows.
 */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
