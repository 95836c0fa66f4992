// The one way the UI reaches Rust. Wraps the generated bindings once:
// commands that fail reject with a `BackendError` carrying the shell's
// `{code, message}`; everything else in the UI just awaits. A mock (for the
// browser without Tauri, and for tests) implements the same interface.

import { commands, events } from "./bindings/commands";
import type {
  AppInfo,
  CertificateInfo,
  VerifyResult,
  Catalogs,
  DraftSummary,
  ErrorCode,
  ExportDone,
  FormKind,
  FormLabels,
  IpcError,
  Value,
  ListQuery,
  OpenedDraft,
  PdfData,
  PdfRequest,
  PledgeText,
  SaveResult,
  UnitProfile,
  ValidationReport,
  VersionInfo,
  YearInfo,
  ImportedYear,
  Inbox,
  InboxQuery,
  PackageView,
  ReceiveLine,
  DeadlineInfo,
  DecisionInput,
  KeyChoice,
  SignedReview,
  TrustedCertificate,
  ReviewResult,
  DemandSources,
  ReceivedPackage,
  Summary,
  BackupSummary,
  RestoreView,
} from "./bindings/commands";

export type * from "./bindings/commands";

/** A command's `{code, message}` error, thrown. */
export class BackendError extends Error {
  constructor(
    readonly code: ErrorCode | "ipc",
    message: string,
  ) {
    super(message);
  }
}

type R<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

async function unwrap<T>(p: Promise<R<T>>): Promise<T> {
  let r: R<T>;
  try {
    r = await p;
  } catch (e) {
    // Framework failures (ACL denial, bad argument) reject with a string.
    throw new BackendError("ipc", `内部错误：${String(e)}`);
  }
  if (r.status === "error") throw new BackendError(r.error.code, r.error.message);
  return r.data;
}

/** Everything the UI asks of Rust. */
export interface Backend {
  appInfo(): Promise<AppInfo>;
  catalogs(): Promise<Catalogs>;
  fieldLabels(): Promise<FormLabels[]>;
  pledgeText(): Promise<PledgeText>;
  validate(document: Value): Promise<ValidationReport>;
  newDraft(form: FormKind): Promise<OpenedDraft>;
  openDraft(id: string): Promise<OpenedDraft>;
  /** Saves and validates once: the saved draft and the findings. */
  saveDraft(document: Value): Promise<SaveResult>;
  /** The drafts matching a query; unset parts of the query mean "any". */
  listDrafts(query: Partial<ListQuery>): Promise<DraftSummary[]>;
  duplicateDraft(id: string): Promise<OpenedDraft>;
  trashDraft(id: string): Promise<void>;
  restoreDraft(id: string): Promise<void>;
  purgeDraft(id: string): Promise<void>;
  draftHistory(id: string): Promise<VersionInfo[]>;
  restoreVersion(id: string, version: number): Promise<OpenedDraft>;
  getProfile(): Promise<UnitProfile>;
  setProfile(profile: UnitProfile): Promise<void>;
  prefillFromApplication(document: Value, applicationId: string): Promise<Value>;
  renderPdf(document: Value, request: PdfRequest): Promise<PdfData>;
  exportPdf(document: Value, request: PdfRequest, path: string): Promise<ExportDone>;
  /** Opens the PDF in the system's PDF reader, which prints it. */
  printPdf(document: Value, request: PdfRequest, fileName: string): Promise<ExportDone>;
  closeReady(): Promise<void>;
  /** Runs `f` when the shell asks to save before the window closes. */
  onFlushRequest(f: () => Promise<void>): Promise<void>;
  /** The save dialog; null when cancelled. */
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** 单位证书, 导出提交包, 验证. */
  unitCertificate(): Promise<CertificateInfo | null>;
  issueUnitKey(unit: string, passphrase: string): Promise<CertificateInfo>;
  /** Opened with `passphrase`, kept under `newPassphrase` (the same when empty). */
  importUnitKey(path: string, passphrase: string, newPassphrase: string): Promise<CertificateInfo>;
  /** Whether the unit key is unlocked in this run (then signing asks nothing). */
  unitKeyUnlocked(): Promise<boolean>;
  unlockUnitKey(passphrase: string): Promise<CertificateInfo>;
  lockUnitKey(): Promise<void>;
  /** Signs with the unlocked unit key (`key_locked` when it is locked). */
  exportPackage(ids: string[], path: string): Promise<ExportDone>;
  verifyFile(path: string): Promise<VerifyResult>;
  chooseOpenPath(kind: "p12" | "verify" | "calendar" | "cert" | "package"): Promise<string | null>;
  /** 设置 · 节假日安排: the years the working-day calendar knows, and an import. */
  calendarYears(): Promise<YearInfo[]>;
  importCalendar(path: string): Promise<ImportedYear>;
  /** 审核工作台 (issue #14): the inbox, one package, the decision, trust. */
  inbox(query: InboxQuery): Promise<Inbox>;
  choosePackages(): Promise<string[]>;
  receivePackages(paths: string[]): Promise<ReceiveLine[]>;
  openReceived(sha256: string): Promise<PackageView>;
  setReceivedDate(sha256: string, received: string): Promise<void>;
  reviewDeadline(received: string): Promise<DeadlineInfo>;
  signReview(sha256: string, decision: DecisionInput, key: KeyChoice, path: string): Promise<SignedReview>;
  choosePackageSavePath(defaultName: string): Promise<string | null>;
  /** 打印审核单: every copy, opened in the system's PDF reader. */
  printReview(sha256: string): Promise<ExportDone>;
  trustedCertificates(): Promise<TrustedCertificate[]>;
  trustCertificateFile(path: string): Promise<number>;
  trustPackageSigner(sha256: string, review: number | null): Promise<number>;
  untrustCertificate(fingerprint: string): Promise<boolean>;
  /** 导入审核结果 (the clerk) and the results on the drafts. */
  importReviewResult(path: string): Promise<ReviewResult>;
  reviewResults(): Promise<ReviewResult[]>;
  /** Runs `f` with the paths of files dropped on the window. */
  onFilesDropped(f: (paths: string[]) => void): Promise<void>;
  /** 年度需求汇总: the core's summary of files and received packages. */
  demandSummary(sources: DemandSources): Promise<Summary>;
  /** Received packages that hold an estimate (the reviewer's inbox). */
  receivedEstimates(): Promise<ReceivedPackage[]>;
  /** Writes the summary as .xlsx or .csv, by the path's extension. */
  exportDemandSummary(sources: DemandSources, path: string): Promise<ExportDone>;
  printDemandSummary(sources: DemandSources): Promise<ExportDone>;
  /** The multi-file open dialog; empty when cancelled. */
  chooseDemandFiles(): Promise<string[]>;
  /** 备份… / 恢复… (issue #17): the dialogs, the backup, the plan, the restore. */
  chooseBackupPath(): Promise<string | null>;
  chooseBackupFile(): Promise<string | null>;
  writeBackup(path: string): Promise<BackupSummary>;
  restorePlan(path: string): Promise<RestoreView>;
  restoreBackup(path: string): Promise<RestoreView>;
}

export const tauriBackend: Backend = {
  appInfo: () => commands.appInfo(),
  catalogs: () => commands.catalogs(),
  fieldLabels: () => commands.fieldLabels(),
  pledgeText: () => commands.pledgeText(),
  validate: (d) => unwrap(commands.validate(d)),
  newDraft: (f) => unwrap(commands.newDraft(f)),
  openDraft: (id) => unwrap(commands.openDraft(id)),
  saveDraft: (d) => unwrap(commands.saveDraft(d)),
  listDrafts: (q) =>
    unwrap(commands.listDrafts({ form: null, status: null, search: null, trash: false, limit: null, offset: 0, ...q })),
  duplicateDraft: (id) => unwrap(commands.duplicateDraft(id)),
  trashDraft: (id) => unwrap(commands.trashDraft(id)).then(() => undefined),
  restoreDraft: (id) => unwrap(commands.restoreDraft(id)).then(() => undefined),
  purgeDraft: (id) => unwrap(commands.purgeDraft(id)).then(() => undefined),
  draftHistory: (id) => unwrap(commands.draftHistory(id)),
  restoreVersion: (id, v) => unwrap(commands.restoreVersion(id, v)),
  getProfile: () => unwrap(commands.getProfile()),
  setProfile: (p) => unwrap(commands.setProfile(p)).then(() => undefined),
  prefillFromApplication: (d, id) => unwrap(commands.prefillFromApplication(d, id)),
  renderPdf: (d, r) => unwrap(commands.renderPdf(d, r)),
  exportPdf: (d, r, p) => unwrap(commands.exportPdf(d, r, p)),
  printPdf: (d, r, name) => unwrap(commands.printPdf(d, r, name)),
  closeReady: () => commands.closeReady().then(() => undefined),
  async onFlushRequest(f) {
    await events.flushRequest.listen(() => void f());
  },
  chooseSavePath: (defaultName) => unwrap(commands.chooseExportPath(defaultName)),
  unitCertificate: () => unwrap(commands.unitCertificate()),
  issueUnitKey: (u, p) => unwrap(commands.issueUnitKey(u, p)),
  importUnitKey: (path, p, np) => unwrap(commands.importUnitKey(path, p, np)),
  unitKeyUnlocked: () => commands.unitKeyUnlocked(),
  unlockUnitKey: (p) => unwrap(commands.unlockUnitKey(p)),
  lockUnitKey: () => commands.lockUnitKey().then(() => undefined),
  exportPackage: (ids, path) => unwrap(commands.exportPackage(ids, path)),
  verifyFile: (path) => unwrap(commands.verifyFile(path)),
  chooseOpenPath: (kind) => unwrap(commands.chooseOpenPath(kind)),
  calendarYears: () => commands.calendarYears(),
  importCalendar: (path) => unwrap(commands.importCalendar(path)),
  inbox: (q) => unwrap(commands.inbox(q)),
  choosePackages: () => unwrap(commands.choosePackages()),
  receivePackages: (paths) => unwrap(commands.receivePackages(paths)),
  openReceived: (sha) => unwrap(commands.openReceived(sha)),
  setReceivedDate: (sha, d) => unwrap(commands.setReceivedDate(sha, d)).then(() => undefined),
  reviewDeadline: (d) => unwrap(commands.reviewDeadline(d)),
  signReview: (sha, decision, key, path) => unwrap(commands.signReview(sha, decision, key, path)),
  choosePackageSavePath: (name) => unwrap(commands.choosePackageSavePath(name)),
  printReview: (sha) => unwrap(commands.printReview(sha)),
  trustedCertificates: () => unwrap(commands.trustedCertificates()),
  trustCertificateFile: (path) => unwrap(commands.trustCertificateFile(path)),
  trustPackageSigner: (sha, review) => unwrap(commands.trustPackageSigner(sha, review)),
  untrustCertificate: (f) => unwrap(commands.untrustCertificate(f)),
  importReviewResult: (path) => unwrap(commands.importReviewResult(path)),
  reviewResults: () => unwrap(commands.reviewResults()),
  async onFilesDropped(f) {
    await events.filesDropped.listen((e) => f(e.payload.paths));
  },
  demandSummary: (s) => unwrap(commands.demandSummary(s)),
  receivedEstimates: () => unwrap(commands.receivedEstimates()),
  exportDemandSummary: (s, path) => unwrap(commands.exportDemandSummary(s, path)),
  printDemandSummary: (s) => unwrap(commands.printDemandSummary(s)),
  chooseDemandFiles: () => unwrap(commands.chooseDemandFiles()),
  chooseBackupPath: () => unwrap(commands.chooseBackupPath()),
  chooseBackupFile: () => unwrap(commands.chooseBackupFile()),
  writeBackup: (path) => unwrap(commands.writeBackup(path)),
  restorePlan: (path) => unwrap(commands.restorePlan(path)),
  restoreBackup: (path) => unwrap(commands.restoreBackup(path)),
};

/** True inside the Tauri window. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
