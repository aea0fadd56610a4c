// Every $operation the server offers; the router and the CapabilityStatement read this list.
import type { OperationRoute } from '../registry.js';
import { codeSystemLookupOperation } from './codesystem-lookup.js';
import { codeSystemValidateCodeOperation } from './codesystem-validate-code.js';
import { conceptMapTranslateOperation } from './conceptmap-translate.js';
import { ecmEligibilityOperation } from './ecm-eligibility.js';
import { reindexOperation } from './reindex.js';
import { authorizeOperation } from './authorize.js';
import { clrReportOperation } from './clr-report.js';
import { validateOperation } from './validate.js';
import { valueSetExpandOperation } from './valueset-expand.js';
import { valueSetValidateCodeOperation } from './valueset-validate-code.js';

export const allOperations: OperationRoute[] = [validateOperation, reindexOperation, valueSetExpandOperation, valueSetValidateCodeOperation, codeSystemLookupOperation, codeSystemValidateCodeOperation, conceptMapTranslateOperation, clrReportOperation, authorizeOperation, ecmEligibilityOperation];
