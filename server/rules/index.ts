import type { Rule } from '../engine/rule';
import abiCppTypeInExternC from './abi/cpp-type-in-extern-c';
import abiExceptionEscapesExternC from './abi/exception-escapes-extern-c';
import abiMissingExternC from './abi/missing-extern-c';
import cffiAbiModeInLoop from './cffi/abi-mode-in-loop';
import cgoBlockingCallPerRequest from './cgo/blocking-call-per-request';
import cgoCallInLoop from './cgo/call-in-loop';
import cgoCstringNotFreed from './cgo/cstring-not-freed';
import cgoExportGoPointer from './cgo/export-go-pointer';
import cgoGoMemoryWithPointers from './cgo/go-memory-with-pointers';
import cgoGoPointerInCMemory from './cgo/go-pointer-in-c-memory';
import cgoHandleNotDeleted from './cgo/handle-not-deleted';
import cpythonApiWithoutGil from './cpython/api-without-gil';
import cpythonBlockingCallHoldsGil from './cpython/blocking-call-holds-gil';
import cpythonThreadWithoutGilState from './cpython/thread-without-gil-state';
import cpythonUnlockedStaticState from './cpython/unlocked-static-state';
import ctypesCallbackExceptionEscapes from './ctypes/callback-exception-escapes';
import ctypesMismatchedFree from './ctypes/mismatched-free';
import ctypesMissingArgtypes from './ctypes/missing-argtypes';
import ctypesPydllBlockingCall from './ctypes/pydll-blocking-call';
import ctypesStructLayoutMismatch from './ctypes/struct-layout-mismatch';
import ctypesTemporaryCallback from './ctypes/temporary-callback';
import ctypesTruncatedPointerResult from './ctypes/truncated-pointer-result';
import jniCachedEnv from './jni/cached-env';
import jniCallInCriticalRegion from './jni/call-in-critical-region';
import jniGlobalRefNeverDeleted from './jni/global-ref-never-deleted';
import jniLocalRefInGlobal from './jni/local-ref-in-global';
import jniLocalRefsInLoop from './jni/local-refs-in-loop';
import jniNativeWithoutLibrary from './jni/native-without-library';
import jniThreadNotDetached from './jni/thread-not-detached';
import jniUncheckedException from './jni/unchecked-exception';
import jniUnimplementedNative from './jni/unimplemented-native';
import jniUnreleasedArrayElements from './jni/unreleased-array-elements';
import napiAsyncExecuteTouchesJs from './napi/async-execute-touches-js';
import napiBlockingSyncCallback from './napi/blocking-sync-callback';
import napiJsCallFromForeignThread from './napi/js-call-from-foreign-thread';
import napiNoPrebuildMatrix from './napi/no-prebuild-matrix';
import napiUncheckedStatus from './napi/unchecked-status';
import napiV8AbiDependency from './napi/v8-abi-dependency';
import panamaArenaMisuse from './panama/arena-misuse';
import panamaUpcallStubOutlivesArena from './panama/upcall-stub-outlives-arena';
import rustCstringTemporaryPointer from './rust/cstring-temporary-pointer';
import rustHandWrittenBindings from './rust/hand-written-bindings';
import rustIntoRawWithoutFromRaw from './rust/into-raw-without-from-raw';
import rustMissingNoMangle from './rust/missing-no-mangle';
import rustMissingReprC from './rust/missing-repr-c';
import rustPanicAcrossFfi from './rust/panic-across-ffi';
import rustSafeFnDerefsRawPointer from './rust/safe-fn-derefs-raw-pointer';
import rustUncheckedNullDeref from './rust/unchecked-null-deref';

/** Every rule FFI Lens ships, in catalogue order. A rule exists for users once it is listed here. */
export const ALL_RULES: readonly Rule[] = [
  ctypesTruncatedPointerResult,
  ctypesMissingArgtypes,
  ctypesTemporaryCallback,
  ctypesCallbackExceptionEscapes,
  ctypesPydllBlockingCall,
  ctypesMismatchedFree,
  ctypesStructLayoutMismatch,
  cffiAbiModeInLoop,
  cpythonApiWithoutGil,
  cpythonBlockingCallHoldsGil,
  cpythonThreadWithoutGilState,
  cpythonUnlockedStaticState,
  jniCachedEnv,
  jniLocalRefInGlobal,
  jniLocalRefsInLoop,
  jniGlobalRefNeverDeleted,
  jniThreadNotDetached,
  jniUncheckedException,
  jniCallInCriticalRegion,
  jniUnreleasedArrayElements,
  jniNativeWithoutLibrary,
  jniUnimplementedNative,
  panamaUpcallStubOutlivesArena,
  panamaArenaMisuse,
  cgoGoPointerInCMemory,
  cgoCallInLoop,
  cgoGoMemoryWithPointers,
  cgoCstringNotFreed,
  cgoHandleNotDeleted,
  cgoExportGoPointer,
  cgoBlockingCallPerRequest,
  rustCstringTemporaryPointer,
  rustMissingNoMangle,
  rustMissingReprC,
  rustPanicAcrossFfi,
  rustHandWrittenBindings,
  rustUncheckedNullDeref,
  rustIntoRawWithoutFromRaw,
  rustSafeFnDerefsRawPointer,
  napiAsyncExecuteTouchesJs,
  napiJsCallFromForeignThread,
  napiBlockingSyncCallback,
  napiUncheckedStatus,
  napiV8AbiDependency,
  napiNoPrebuildMatrix,
  abiMissingExternC,
  abiExceptionEscapesExternC,
  abiCppTypeInExternC,
];

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id);
}
