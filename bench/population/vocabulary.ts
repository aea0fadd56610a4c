// Word lists and code lists for the synthetic plan population: names, places, ICD-10-CM, CalAIM programs and services.

/** Family names weighted roughly like a California Medi-Cal roster (heavy head: Garcia, Hernandez, Lopez...). */
export const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['García', 60], ['Hernández', 45], ['López', 40], ['Martínez', 38], ['González', 36], ['Rodríguez', 35], ['Pérez', 25], ['Sánchez', 24],
  ['Ramírez', 22], ['Flores', 20], ['Nguyen', 20], ['Torres', 15], ['Rivera', 14], ['Gómez', 14], ['Díaz', 13], ['Reyes', 12],
  ['Cruz', 12], ['Morales', 12], ['Gutiérrez', 11], ['Ortiz', 10], ['Chávez', 10], ['Ruiz', 10], ['Álvarez', 9], ['Castillo', 9],
  ['Jiménez', 9], ['Vásquez', 9], ['Moreno', 9], ['Romero', 8], ['Herrera', 8], ['Medina', 8], ['Aguilar', 8], ['Vargas', 8],
  ['Castro', 7], ['Mendoza', 7], ['Guzmán', 7], ['Fernández', 7], ['Ramos', 7], ['Ruíz', 6], ['Salazar', 6], ['Delgado', 6],
  ['Smith', 18], ['Johnson', 14], ['Williams', 13], ['Brown', 12], ['Jones', 12], ['Miller', 9], ['Davis', 9], ['Wilson', 7],
  ['Anderson', 7], ['Thomas', 7], ['Taylor', 7], ['Moore', 6], ['Jackson', 8], ['Martin', 6], ['Lee', 10], ['Thompson', 6],
  ['White', 6], ['Harris', 6], ['Clark', 5], ['Lewis', 5], ['Robinson', 5], ['Walker', 5], ['Young', 5], ['Allen', 5],
  ['King', 5], ['Wright', 5], ['Scott', 4], ['Green', 4], ['Baker', 4], ['Adams', 4], ['Nelson', 4], ['Hill', 4],
  ['Campbell', 4], ['Mitchell', 4], ['Roberts', 4], ['Carter', 4], ['Phillips', 3], ['Evans', 3], ['Turner', 3], ['Parker', 3],
  ['Tran', 10], ['Le', 8], ['Pham', 6], ['Huynh', 5], ['Vo', 4], ['Kim', 8], ['Park', 6], ['Chen', 8], ['Wang', 7], ['Li', 6],
  ['Zhang', 5], ['Liu', 5], ['Wong', 6], ['Chan', 5], ['Singh', 6], ['Patel', 5], ['Khan', 3], ['Santos', 5], ['Reyes-Cruz', 2],
  ['Dela Cruz', 4], ['Bautista', 4], ['Villanueva', 3], ['Mendoza-Ruiz', 2], ['Xiong', 4], ['Vang', 4], ['Yang', 4], ['Lor', 3],
  ['Her', 3], ['Thao', 3], ['Moua', 2], ['Sahakian', 2], ['Petrosyan', 2], ['Harutyunyan', 2], ['Begay', 2], ['Yazzie', 1], ["O'Brien", 2],
];

export const GIVEN_FEMALE: readonly string[] = [
  'María', 'Guadalupe', 'Ana', 'Sofía', 'Isabella', 'Camila', 'Valentina', 'Ximena', 'Daniela', 'Mariana', 'Jennifer', 'Jessica',
  'Ashley', 'Emily', 'Sarah', 'Elizabeth', 'Olivia', 'Emma', 'Mia', 'Abigail', 'Linh', 'Mai', 'Thuy', 'Ji-woo', 'Mei', 'Xiu',
  'Priya', 'Aaliyah', 'Destiny', 'Brianna', 'Yesenia', 'Rosa', 'Carmen', 'Lucía', 'Leticia', 'Angélica', 'Patricia', 'Linda',
  'Barbara', 'Susan', 'Karen', 'Nancy', 'Dolores', 'Esperanza', 'Yolanda', 'Marisol', 'Beatriz', 'Zoë', 'Chloé', 'Renée',
];

export const GIVEN_MALE: readonly string[] = [
  'José', 'Juan', 'Luis', 'Carlos', 'Jesús', 'Miguel', 'Francisco', 'Antonio', 'Alejandro', 'Diego', 'Mateo', 'Santiago',
  'Sebastián', 'Daniel', 'David', 'Michael', 'James', 'Robert', 'John', 'William', 'Christopher', 'Anthony', 'Joshua', 'Andrew',
  'Minh', 'Huy', 'Tuan', 'Min-jun', 'Wei', 'Jun', 'Arjun', 'Jamal', 'DeShawn', 'Tyrone', 'Marcus', 'Jorge', 'Ramón', 'Rubén',
  'Héctor', 'Raúl', 'Efraín', 'Joaquín', 'Andrés', 'Ángel', 'Noah', 'Liam', 'Ethan', 'Elijah', 'Kevin', 'Brandon',
];

export interface Place {
  city: string;
  county: string;
  zips: readonly string[];
  streets: readonly string[];
}

export const PLACES: readonly (readonly [Place, number])[] = [
  [{ city: 'Los Angeles', county: 'Los Angeles', zips: ['90011', '90033', '90044', '90001', '90022', '90057'], streets: ['S Central Ave', 'E Cesar E Chavez Ave', 'W Manchester Ave', 'Whittier Blvd', 'Wilshire Blvd'] }, 30],
  [{ city: 'Long Beach', county: 'Los Angeles', zips: ['90805', '90813', '90806'], streets: ['Atlantic Ave', 'Long Beach Blvd', 'Anaheim St'] }, 5],
  [{ city: 'Fresno', county: 'Fresno', zips: ['93701', '93702', '93706', '93727'], streets: ['E Belmont Ave', 'N Blackstone Ave', 'E Ventura Ave'] }, 8],
  [{ city: 'Sacramento', county: 'Sacramento', zips: ['95814', '95815', '95823', '95838'], streets: ['Capitol Mall', 'Stockton Blvd', 'Florin Rd', 'Del Paso Blvd'] }, 8],
  [{ city: 'San Diego', county: 'San Diego', zips: ['92105', '92113', '92114', '92102'], streets: ['University Ave', 'National Ave', 'Imperial Ave'] }, 10],
  [{ city: 'San Bernardino', county: 'San Bernardino', zips: ['92410', '92411', '92405'], streets: ['E Baseline St', 'W Highland Ave', 'N E St'] }, 7],
  [{ city: 'Riverside', county: 'Riverside', zips: ['92501', '92503', '92507'], streets: ['University Ave', 'Magnolia Ave', 'Arlington Ave'] }, 7],
  [{ city: 'Oakland', county: 'Alameda', zips: ['94601', '94603', '94621', '94606'], streets: ['International Blvd', 'E 14th St', 'MacArthur Blvd'] }, 6],
  [{ city: 'San José', county: 'Santa Clara', zips: ['95116', '95122', '95111'], streets: ['Story Rd', 'Tully Rd', 'Alum Rock Ave'] }, 6],
  [{ city: 'Bakersfield', county: 'Kern', zips: ['93305', '93307', '93304'], streets: ['Union Ave', 'E California Ave', 'Brundage Ln'] }, 5],
  [{ city: 'Stockton', county: 'San Joaquin', zips: ['95205', '95206', '95203'], streets: ['E Main St', 'S El Dorado St', 'E Charter Way'] }, 4],
  [{ city: 'Santa Ana', county: 'Orange', zips: ['92701', '92703', '92704'], streets: ['W 1st St', 'S Bristol St', 'E McFadden Ave'] }, 6],
  [{ city: 'Salinas', county: 'Monterey', zips: ['93905', '93906'], streets: ['E Alisal St', 'N Main St'] }, 2],
  [{ city: 'Eureka', county: 'Humboldt', zips: ['95501', '95503'], streets: ['Broadway', '4th St'] }, 1],
];

export const LANGUAGES: readonly (readonly [code: string, display: string, weight: number])[] = [
  ['en', 'English', 55], ['es', 'Spanish', 34], ['vi', 'Vietnamese', 3], ['zh', 'Chinese', 2], ['ko', 'Korean', 1],
  ['tl', 'Tagalog', 1], ['hy', 'Armenian', 1], ['ru', 'Russian', 1], ['hmn', 'Hmong', 1], ['fa', 'Persian', 1],
];

export const RACES: readonly (readonly [code: string, display: string, weight: number])[] = [
  ['2106-3', 'White', 40], ['2054-5', 'Black or African American', 14], ['2028-9', 'Asian', 15],
  ['1002-5', 'American Indian or Alaska Native', 3], ['2076-8', 'Native Hawaiian or Other Pacific Islander', 1], ['UNK', 'Unknown', 27],
];

/** ICD-10-CM codes with weights; chosen to exercise the eligibility rules (homelessness, SMI/SUD, pregnancy, chronic disease). */
export const CONDITIONS: readonly (readonly [code: string, display: string, weight: number])[] = [
  ['E11.9', 'Type 2 diabetes mellitus without complications', 14], ['I10', 'Essential (primary) hypertension', 16],
  ['F32.9', 'Major depressive disorder, single episode, unspecified', 9], ['F41.1', 'Generalized anxiety disorder', 7],
  ['F20.9', 'Schizophrenia, unspecified', 2], ['F31.9', 'Bipolar disorder, unspecified', 2], ['F10.20', 'Alcohol dependence, uncomplicated', 3],
  ['F11.20', 'Opioid dependence, uncomplicated', 2], ['F15.20', 'Other stimulant dependence, uncomplicated', 2],
  ['Z59.01', 'Sheltered homelessness', 4], ['Z59.02', 'Unsheltered homelessness', 3], ['Z59.811', 'Housing instability, housed, with risk of homelessness', 3],
  ['Z59.41', 'Food insecurity', 3], ['Z56.0', 'Unemployment, unspecified', 2], ['Z33.1', 'Pregnant state, incidental', 2], ['O24.419', 'Gestational diabetes mellitus in pregnancy, unspecified control', 1],
  ['J45.909', 'Unspecified asthma, uncomplicated', 6], ['J44.9', 'Chronic obstructive pulmonary disease, unspecified', 3],
  ['I50.9', 'Heart failure, unspecified', 2], ['N18.3', 'Chronic kidney disease, stage 3 (moderate)', 2], ['E66.9', 'Obesity, unspecified', 6],
  ['B20', 'Human immunodeficiency virus [HIV] disease', 1], ['C50.919', 'Malignant neoplasm of unspecified site of unspecified female breast', 1],
  ['M54.5', 'Low back pain', 5], ['E78.5', 'Hyperlipidemia, unspecified', 8],
];

export const PROGRAM_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/calaim-program';
export const CS_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/community-support';
export const POF_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/ecm-population-of-focus';
export const REFERRAL_STATUS_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/referral-status';
export const BUSINESS_STATUS_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/referral-business-status';
export const LOOP_CLOSURE_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/loop-closure-reason';
export const SDOH_SYSTEM = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';

/** Community Supports (eligibility-rules.md order) with referral weights and the Gravity SDOH category their cs-referral-* profile requires. */
export const COMMUNITY_SUPPORTS: readonly (readonly [code: string, display: string, weight: number, sdoh: string | undefined])[] = [
  ['housing-transition-navigation', 'Housing Transition Navigation Services', 16, 'housing-instability'],
  ['housing-deposits', 'Housing Deposits', 6, 'housing-instability'],
  ['housing-tenancy-sustaining', 'Housing Tenancy and Sustaining Services', 10, 'housing-instability'],
  ['short-term-post-hospitalization-housing', 'Short-Term Post-Hospitalization Housing', 3, 'homelessness'],
  ['recuperative-care', 'Recuperative Care (Medical Respite)', 5, 'housing-instability'],
  ['respite', 'Respite Services', 3, undefined],
  ['day-habilitation', 'Day Habilitation Programs', 2, 'housing-instability'],
  ['assisted-living-transition', 'Nursing Facility Transition/Diversion to Assisted Living Facilities', 2, undefined],
  ['community-transition', 'Community Transition Services/Nursing Facility Transition to a Home', 2, undefined],
  ['personal-care-homemaker', 'Personal Care and Homemaker Services', 6, undefined],
  ['home-modifications', 'Environmental Accessibility Adaptations (Home Modifications)', 2, undefined],
  ['medically-tailored-meals', 'Medically Tailored Meals/Medically Supportive Food', 20, 'food-insecurity'],
  ['sobering-center', 'Sobering Centers', 3, undefined],
  ['asthma-remediation', 'Asthma Remediation', 5, 'inadequate-housing'],
  ['transitional-rent', 'Transitional Rent', 4, 'housing-instability'],
];

export const POPULATIONS_OF_FOCUS: readonly (readonly [code: string, display: string, weight: number])[] = [
  ['homelessness', 'Individuals Experiencing Homelessness', 25], ['avoidable-utilization', 'Individuals at Risk for Avoidable Hospital or ED Utilization', 25],
  ['smh-sud', 'Individuals with Serious Mental Health and/or SUD Needs', 22], ['justice-involved', 'Individuals Transitioning from Incarceration', 6],
  ['birth-equity', 'Birth Equity Population of Focus', 5], ['ltc-risk', 'Adults Living in the Community and at Risk for LTC Institutionalization', 5],
  ['nf-transition', 'Adult Nursing Facility Residents Transitioning to the Community', 3],
  ['ccs-wcm', 'Children and Youth Enrolled in CCS or CCS WCM with Additional Needs Beyond the CCS Condition', 4],
  ['child-welfare', 'Children and Youth Involved in Child Welfare', 5],
];

export const LOOP_CLOSURE_REASONS: readonly (readonly [code: string, display: string, weight: number])[] = [
  ['services-received', 'Services Received', 55], ['member-declined', 'Member Declined', 12], ['unable-to-reach', 'Unable to Reach Member', 15],
  ['member-ineligible', 'Member Ineligible', 6], ['provider-unable-to-serve', 'Provider Unable to Serve', 7], ['member-disenrolled', 'Member Disenrolled', 4],
  ['member-deceased', 'Member Deceased', 1],
];
