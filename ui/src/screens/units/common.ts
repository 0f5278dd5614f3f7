// What the rooms of screen "Đơn vị" share: an input error found before
// anything is sent (it names its field, as the core's errors do).
import type { ApiError } from "../../api";

export function invalid(message: string, field: string): ApiError {
  return { kind: "invalid", message, field };
}
