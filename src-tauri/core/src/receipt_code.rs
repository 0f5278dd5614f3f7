//! Receipt codes printed on delivery slips: 8 characters of Crockford base32,
//! 7 random ones and a Luhn mod 32 check character, so a mistyped character or
//! two swapped neighbours are caught before any lookup. Typed input is
//! forgiving the Crockford way: case, hyphens and spaces are ignored, and
//! I/L read as 1, O as 0.
//!
//! The codes of one batch share their first two characters, drawn once for
//! the batch ([`Prefix`]): its receipts then sit side by side in the code's
//! index, so recording a batch writes a few pages of it instead of one page
//! per receipt, and a clerk sorting returned slips sees which go together.
//! The other five characters are random: 33 million codes per prefix.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BODY: usize = 7;
const PREFIX: usize = 2;

/// Why a typed receipt code is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("mã nhận phải có 8 ký tự (đã nhập {0})")]
    Length(usize),
    #[error("ký tự «{0}» không có trong mã nhận")]
    Character(char),
    #[error("mã nhận sai ký tự kiểm tra: có thể gõ nhầm một ký tự")]
    Check,
}

fn value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

/// Luhn mod N check character over the digit values.
fn check_value(digits: &[u32]) -> u32 {
    let n = ALPHABET.len() as u32;
    let mut sum = 0;
    // Double every second digit counting from the right (the check goes last).
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = d;
        if i % 2 == 0 {
            v *= 2;
            v = v / n + v % n;
        }
        sum += v;
    }
    (n - sum % n) % n
}

fn random_digit(rng: &mut impl Rng) -> u32 {
    rng.random_range(0..ALPHABET.len() as u32)
}

/// The first characters every code of one batch shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix([u32; PREFIX]);

impl Prefix {
    /// A fresh random prefix, for a new batch.
    pub fn draw(rng: &mut impl Rng) -> Self {
        Self([random_digit(rng), random_digit(rng)])
    }
}

/// A fresh random code, on its own (a receipt outside any batch's run).
pub fn generate(rng: &mut impl Rng) -> String {
    generate_in(Prefix::draw(rng), rng)
}

/// A fresh code starting with `prefix`, the rest random.
pub fn generate_in(prefix: Prefix, rng: &mut impl Rng) -> String {
    let digits: Vec<u32> = prefix
        .0
        .into_iter()
        .chain((PREFIX..BODY).map(|_| random_digit(rng)))
        .collect();
    let check = check_value(&digits);
    digits
        .iter()
        .chain(std::iter::once(&check))
        .map(|&d| ALPHABET[d as usize] as char)
        .collect()
}

/// Normalises a typed code and checks its check character.
pub fn parse(input: &str) -> Result<String, CodeError> {
    let chars: Vec<char> = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if chars.len() != BODY + 1 {
        return Err(CodeError::Length(chars.len()));
    }
    let mut digits = Vec::with_capacity(chars.len());
    for c in chars {
        digits.push(value(c).ok_or(CodeError::Character(c))?);
    }
    let (body, check) = digits.split_at(BODY);
    if check_value(body) != check[0] {
        return Err(CodeError::Check);
    }
    Ok(digits.iter().map(|&d| ALPHABET[d as usize] as char).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back() {
        let mut rng = rand::rng();
        for _ in 0..1000 {
            let code = generate(&mut rng);
            assert_eq!(code.len(), 8);
            assert_eq!(parse(&code).as_deref(), Ok(code.as_str()));
            assert_eq!(parse(&code.to_lowercase()).as_deref(), Ok(code.as_str()));
        }
    }

    #[test]
    fn codes_drawn_in_one_prefix_share_it_and_differ_after_it() {
        let mut rng = rand::rng();
        let prefix = Prefix::draw(&mut rng);
        let codes: std::collections::HashSet<String> = (0..1000).map(|_| generate_in(prefix, &mut rng)).collect();
        let first = codes.iter().next().map(|c| c[..PREFIX].to_string()).unwrap_or_default();
        for code in &codes {
            assert_eq!(&code[..PREFIX], first, "{code}");
            assert_eq!(parse(code).as_deref(), Ok(code.as_str()));
        }
        // 33 million codes per prefix: a thousand drawn are (almost surely) all different.
        assert!(codes.len() > 990, "{} different codes of 1000", codes.len());
    }

    #[test]
    fn every_single_typo_and_adjacent_swap_is_caught() {
        let mut rng = rand::rng();
        for _ in 0..200 {
            let code: Vec<char> = generate(&mut rng).chars().collect();
            for i in 0..code.len() {
                for &a in ALPHABET {
                    let mut typo = code.clone();
                    if typo[i] == a as char {
                        continue;
                    }
                    typo[i] = a as char;
                    assert!(parse(&typo.iter().collect::<String>()).is_err());
                }
                if i + 1 < code.len() && code[i] != code[i + 1] {
                    let mut swap = code.clone();
                    swap.swap(i, i + 1);
                    let swapped: String = swap.iter().collect();
                    // Luhn mod N misses exactly one swap pair per position
                    // parity; everything else must be caught.
                    if parse(&swapped).is_ok() {
                        let (x, y) = (value(code[i]).unwrap_or(0), value(code[i + 1]).unwrap_or(0));
                        assert!(x.abs_diff(y) == 31 || x.abs_diff(y) == 0, "{swapped}");
                    }
                }
            }
        }
    }

    #[test]
    fn forgiving_input() {
        let code = generate(&mut rand::rng());
        let spaced = format!("{}-{}", &code[..4], &code[4..]);
        assert_eq!(parse(&spaced).as_deref(), Ok(code.as_str()));
        assert_eq!(parse("ABC"), Err(CodeError::Length(3)));
        assert_eq!(parse("ABCDEFGU"), Err(CodeError::Character('U')));
    }
}
