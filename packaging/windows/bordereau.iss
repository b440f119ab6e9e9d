; Inno Setup script: Bordereau for Windows (built on Windows; see packaging/RELEASE.md).
;
;   pyinstaller --noconfirm --distpath build\dist --workpath build\work packaging\bordereau.spec
;   iscc /DVersion=0.1.0 /DTesseractDir=C:\tesseract packaging\windows\bordereau.iss
;
; TesseractDir: a Tesseract installation (UB Mannheim build) with tessdata\fra.traineddata;
; it is copied beside the app, where app.prefill looks first when frozen on Windows.

#ifndef Version
  #error Pass /DVersion=x.y.z (the version in pyproject.toml)
#endif
#ifndef TesseractDir
  #define TesseractDir "C:\Program Files\Tesseract-OCR"
#endif

[Setup]
AppId={{5C1B2F0E-6A4D-4E8B-9A57-B0DE2EA00001}
AppName=Bordereau
AppVersion={#Version}
AppPublisher=Bordereau
DefaultDirName={autopf}\Bordereau
DefaultGroupName=Bordereau
OutputDir=..\..\build\dist
OutputBaseFilename=Bordereau-{#Version}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
WizardStyle=modern
SetupIconFile=bordereau.ico
UninstallDisplayIcon={app}\bordereau.exe

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Files]
Source: "..\..\build\dist\bordereau\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
; Tesseract: the program, its DLLs and configs, but only the French, English and script data
Source: "{#TesseractDir}\*"; DestDir: "{app}\tesseract"; Excludes: "*.traineddata,doc\*,*.html"; Flags: recursesubdirs ignoreversion
Source: "{#TesseractDir}\tessdata\fra.traineddata"; DestDir: "{app}\tesseract\tessdata"; Flags: ignoreversion
Source: "{#TesseractDir}\tessdata\eng.traineddata"; DestDir: "{app}\tesseract\tessdata"; Flags: ignoreversion
Source: "{#TesseractDir}\tessdata\osd.traineddata"; DestDir: "{app}\tesseract\tessdata"; Flags: ignoreversion

[Icons]
Name: "{group}\Bordereau"; Filename: "{app}\bordereau.exe"; Parameters: "gui"
Name: "{group}\Désinstaller Bordereau"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Bordereau"; Filename: "{app}\bordereau.exe"; Parameters: "gui"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Créer une icône sur le Bureau"; Flags: unchecked

[Registry]
; « Ouvrir avec Bordereau » for PDF files (per-user or machine-wide, as installed)
Root: HKA; Subkey: "Software\Classes\Bordereau.PDF"; ValueType: string; ValueData: "Facture PDF (Bordereau)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Bordereau.PDF\DefaultIcon"; ValueType: string; ValueData: "{app}\bordereau.exe,0"
Root: HKA; Subkey: "Software\Classes\Bordereau.PDF\shell\open\command"; ValueType: string; ValueData: """{app}\bordereau.exe"" gui ""%1"""
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: string; ValueName: "Bordereau.PDF"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\bordereau.exe\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""

[Run]
Filename: "{app}\bordereau.exe"; Parameters: "gui"; Description: "Lancer Bordereau"; Flags: nowait postinstall skipifsilent
