//! A minimal HTTP/1.1 client over one keep-alive TCP connection.
//!
//! Just enough for the bench: it sends a request with a `Content-Length` body and reads
//! a response framed by `Content-Length` or chunked encoding. It avoids a new dependency
//! (reqwest is a dev-dependency only) and costs the bench process little CPU, which
//! matters because the bench shares the machine's two cores with the server it measures.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A response: its status code and body.
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text (lossy: only for error messages and checks).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection to the server, reopened when the server closes it.
pub struct Connection {
    addr: SocketAddr,
    /// The header lines every request repeats (host, content type, token).
    common_headers: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    /// A connection to `addr` that sends `token` as a bearer token, if given. It is
    /// opened on first use.
    pub fn new(addr: SocketAddr, token: Option<&str>) -> Connection {
        let mut common_headers = format!(
            "Host: {addr}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
        );
        if let Some(token) = token {
            common_headers.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        Connection {
            addr,
            common_headers,
            stream: None,
        }
    }

    /// The same connection, sending one more header line with every request.
    pub fn with_header(mut self, name: &str, value: &str) -> Connection {
        self.common_headers
            .push_str(&format!("{name}: {value}\r\n"));
        self
    }

    /// Sends `method path` with `body` and reads the response. On an I/O error the
    /// connection is dropped, so the next call opens a new one.
    pub async fn send(&mut self, method: &str, path: &str, body: &str) -> io::Result<Response> {
        let result = self.exchange(method, path, body).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn exchange(&mut self, method: &str, path: &str, body: &str) -> io::Result<Response> {
        let request = format!(
            "{method} {path} HTTP/1.1\r\n{}Content-Length: {}\r\n\r\n{body}",
            self.common_headers,
            body.len()
        );
        let stream = match &mut self.stream {
            Some(stream) => stream,
            none => none.insert(open(self.addr).await?),
        };
        // One write per request: with TCP_NODELAY set, a head and a body written
        // separately would go out as two packets.
        stream.get_mut().write_all(request.as_bytes()).await?;
        let (response, keep_alive) = read_response(stream).await?;
        if !keep_alive {
            self.stream = None;
        }
        Ok(response)
    }
}

async fn open(addr: SocketAddr) -> io::Result<BufReader<TcpStream>> {
    let stream = TcpStream::connect(addr).await?;
    // Small request, small response: waiting for Nagle would add ~40 ms to each.
    stream.set_nodelay(true)?;
    Ok(BufReader::with_capacity(64 * 1024, stream))
}

/// How the body of a response is framed.
enum Framing {
    Length(usize),
    Chunked,
}

/// Reads one response; also says whether the server keeps the connection open.
async fn read_response(stream: &mut BufReader<TcpStream>) -> io::Result<(Response, bool)> {
    let mut line = String::new();
    read_line(stream, &mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid(format!("bad status line {line:?}")))?;
    let mut framing = Framing::Length(0);
    let mut keep_alive = true;
    loop {
        read_line(stream, &mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid(format!("bad header {header:?}")));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let length = value.parse().map_err(|_| invalid("bad content-length"))?;
            framing = Framing::Length(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            && value.eq_ignore_ascii_case("chunked")
        {
            framing = Framing::Chunked;
        } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
            keep_alive = false;
        }
    }
    let body = match framing {
        Framing::Length(length) => read_exact(stream, length).await?,
        Framing::Chunked => read_chunked(stream).await?,
    };
    Ok((Response { status, body }, keep_alive))
}

async fn read_chunked(stream: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        read_line(stream, &mut line).await?;
        let size_text = line.trim_end().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            loop {
                read_line(stream, &mut line).await?;
                if line.trim_end().is_empty() {
                    return Ok(body);
                }
            }
        }
        body.extend(read_exact(stream, size).await?);
        read_line(stream, &mut line).await?;
    }
}

/// Reads one line into `line` (cleared first); the peer closing the connection is an error.
async fn read_line(stream: &mut BufReader<TcpStream>, line: &mut String) -> io::Result<()> {
    line.clear();
    if stream.read_line(line).await? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    Ok(())
}

async fn read_exact(stream: &mut BufReader<TcpStream>, length: usize) -> io::Result<Vec<u8>> {
    let mut buffer = vec![0; length];
    stream.read_exact(&mut buffer).await?;
    Ok(buffer)
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}
