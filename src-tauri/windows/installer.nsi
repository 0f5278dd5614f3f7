; The Windows installer of Sổ Giao Nhận, built with NSIS (makensis) by
; scripts/windows.sh release on Linux, or on Windows with NSIS 3 installed:
;
;   makensis -DVERSION=0.1.0 -DBIN=<folder with sogiaonhan.exe and giaonhan.exe>
;            -DOUT=<setup.exe to write> [-DWEBVIEW2=<MicrosoftEdgeWebView2RuntimeInstallerX64.exe>]
;            src-tauri\windows\installer.nsi
;
; Per-user: no administrator rights, installed under %LOCALAPPDATA%\Programs.
; The register is not in the program folder: it lives in
; %APPDATA%\SoGiaoNhan\sogiaonhan.sqlite3, created by the app, and the
; uninstaller never deletes it (nor its backups).
;
; The window needs Microsoft Edge WebView2, which Windows 10 (updated) and 11
; have. The installer checks for it; when it is missing it runs the offline
; WebView2 installer if one was built in (-DWEBVIEW2=…, Microsoft's "Evergreen
; Standalone Installer", for offices without internet), and otherwise says
; what the office needs and stops.

; 64-bit, Unicode: the app itself is x86_64.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION is required (-DVERSION=x.y.z)"
!endif
!ifndef BIN
  !error "BIN is required (-DBIN=folder of the built executables)"
!endif
!ifndef OUT
  !define OUT "SoGiaoNhan-${VERSION}-setup.exe"
!endif

!define PRODUCT "Sổ Giao Nhận"
!define PRODUCT_KEY "SoGiaoNhan"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT_KEY}"
; The WebView2 runtime's client id (the same for every Windows version).
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT_KEY}"
InstallDirRegKey HKCU "Software\${PRODUCT_KEY}" "InstallDir"
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${PRODUCT}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "..\..\icons\icon.ico"
!define MUI_UNICON "..\..\icons\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\sogiaonhan.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${PRODUCT}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

; Whether the WebView2 runtime is installed (machine-wide or for this user).
Function HasWebView2
  Push $0
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
  Exch $0
FunctionEnd

Section "${PRODUCT}" main
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${BIN}\sogiaonhan.exe"
  File "${BIN}\giaonhan.exe"
  File /nonfatal "${BIN}\WebView2Loader.dll"
  File "..\..\icons\icon.ico"

  Call HasWebView2
  Pop $0
  ${If} $0 == ""
!ifdef WEBVIEW2
    DetailPrint "Cài Microsoft Edge WebView2 (bản cài ngoại tuyến)…"
    File "/oname=$PLUGINSDIR\webview2-setup.exe" "${WEBVIEW2}"
    ExecWait '"$PLUGINSDIR\webview2-setup.exe" /silent /install' $1
    Call HasWebView2
    Pop $0
!endif
    ${If} $0 == ""
      MessageBox MB_ICONEXCLAMATION|MB_OK "Máy này chưa có Microsoft Edge WebView2, thành phần Windows mà cửa sổ ${PRODUCT} cần.$\r$\n$\r$\nWindows 10 đã cập nhật và Windows 11 đều có sẵn. Với máy không có mạng: chép bộ cài ngoại tuyến của Microsoft (Evergreen Standalone Installer, tệp MicrosoftEdgeWebView2RuntimeInstallerX64.exe) vào USB, chạy nó trên máy này, rồi chạy lại bộ cài ${PRODUCT}.$\r$\n$\r$\nLệnh giaonhan.exe trong thư mục cài đặt vẫn dùng được." /SD IDOK
      DetailPrint "Thiếu Microsoft Edge WebView2: cửa sổ ứng dụng chưa mở được cho đến khi cài nó."
    ${EndIf}
  ${EndIf}

  WriteRegStr HKCU "Software\${PRODUCT_KEY}" "InstallDir" "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\sogiaonhan.exe" "" "$INSTDIR\icon.ico"
  CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\sogiaonhan.exe" "" "$INSTDIR\icon.ico"
SectionEnd

Section "Uninstall"
  ; The register and its backups (%APPDATA%\SoGiaoNhan) are the office's
  ; records: never removed here.
  Delete "$INSTDIR\sogiaonhan.exe"
  Delete "$INSTDIR\giaonhan.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${PRODUCT_KEY}"
SectionEnd
