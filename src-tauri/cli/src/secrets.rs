//! Passwords and PINs for the account commands, read from standard input
//! (one a line), never from the command line where other users of the
//! machine could see them.

use giaonhan::Error;

/// One line of standard input, without its line ending; `what` names the
/// secret in the error when the line is empty.
pub fn read_secret_line(what: &str) -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        return Err(Error::invalid(what, format!("cần nhập {what} qua đầu vào chuẩn")));
    }
    Ok(line)
}

/// The secret named `what` when `wanted`, read as [`read_secret_line`] does.
pub fn read_secret_if(wanted: bool, what: &str) -> Result<Option<String>, Error> {
    wanted.then(|| read_secret_line(what)).transpose()
}
